/**
 * Both Slack app manifests are valid by Slack's own JSON Schema (the version-1 app manifest schema from Slack's
 * public manifest-schema repository, kept in test/fixtures/slack/ because the dispatching schema points at remote
 * URLs) and agree with the code: the command, the shortcut's callback id, the events and exactly the bot scopes caseops uses.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from '../src/slack/app.js';
import { CASE_COMMAND } from '../src/slack/listeners/commands/index.js';
import { OPEN_VENDOR_CASE_SHORTCUT } from '../src/slack/listeners/shortcuts/open-vendor-case.js';
import { SEND_AS_NOTE_SHORTCUT } from '../src/slack/listeners/shortcuts/send-as-note.js';
import { BOT_EVENTS, BOT_SCOPES } from '../src/slack/scopes.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(repo, 'test', 'fixtures', 'slack', 'manifest.schema.1.0.0.json');

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

type Manifest = {
  features: {
    slash_commands: Array<{ command: string; url?: string }>;
    shortcuts: Array<{ callback_id: string; type: string }>;
    app_home: { home_tab_enabled: boolean };
    unfurl_domains?: string[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean; request_url?: string };
    event_subscriptions: { bot_events: string[]; request_url?: string };
  };
};

function load(name: string): Manifest {
  return parse(readFileSync(join(repo, 'manifests', name), 'utf8')) as Manifest;
}

describe.each([
  ['caseops.socket.yaml', true],
  ['caseops.http.yaml', false],
])('%s', (file, socket) => {
  const manifest = load(file);

  it("is valid by Slack's manifest schema", () => {
    const validate = validator();
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('declares the command, the message shortcut, interactivity and App Home the code registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([CASE_COMMAND]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: OPEN_VENDOR_CASE_SHORTCUT }),
      expect.objectContaining({ type: 'message', callback_id: SEND_AS_NOTE_SHORTCUT }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([...BOT_EVENTS]);
  });

  it('lists unfurl domains, for the link_shared event that unfurls vendor case links', () => {
    expect(manifest.features.unfurl_domains?.length).toBeGreaterThan(0);
  });

  it('asks for exactly the bot scopes caseops uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(Object.keys(BOT_SCOPES).sort());
  });

  it(socket ? 'uses Socket Mode and no request URLs' : 'sends everything to /slack/events', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(socket);
    const urls = [
      manifest.features.slash_commands[0]?.url,
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    if (socket) expect(urls).toEqual([undefined, undefined, undefined]);
    else for (const url of urls) expect(new URL(url ?? '').pathname).toBe(SLACK_EVENTS_PATH);
  });
});

it('the schema check itself refuses a broken manifest (a shortcut name over 24 characters)', () => {
  const broken = load('caseops.http.yaml') as unknown as { features: { shortcuts: Array<{ name: string }> } };
  const [shortcut] = broken.features.shortcuts;
  if (shortcut) shortcut.name = 'Open a vendor support case from here';
  const validate = validator();
  expect(validate(broken)).toBe(false);
  expect(JSON.stringify(validate.errors)).toContain('shortcuts');
});
