/**
 * Hostile text through every Slack renderer: case titles, descriptions, notes, owners, statuses, ids and URLs
 * full of mentions, broadcasts, disguised links, formatting and invisible characters, rendered the way
 * caseops renders them (and fitted to Slack's limits the way it sends them). What comes out must not ping
 * anyone or show a link whose label pretends to be another address, and must fit Slack's limits.
 */
import fc from 'fast-check';
import { CASE_STATES, type Case, type CaseState, type VendorId } from '../../src/domain/case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../src/domain/errors.js';
import { QUEUE_GROUPS } from '../../src/domain/on-call-queue.js';
import type { AuditEntry, RecentCase, StatusChangeEvent } from '../../src/domain/ports/store.js';
import { CAPABILITIES, type Capability, type VendorHealth } from '../../src/domain/ports/vendor.js';
import type { WatchedCase } from '../../src/domain/use-cases/case-service.js';
import type { HomeQueue } from '../../src/domain/use-cases/home.js';
import { vendorStatus } from '../../src/domain/vendor-status.js';
import { buildAuditTrail } from '../../src/slack/blocks/audit.js';
import { buildCaseCard } from '../../src/slack/blocks/case-card.js';
import { buildListPage, buildWatchingList } from '../../src/slack/blocks/case-list.js';
import { buildCaseUnfurl } from '../../src/slack/blocks/case-unfurl.js';
import { buildDigestMessages } from '../../src/slack/blocks/digest.js';
import { buildHome } from '../../src/slack/blocks/home.js';
import {
  escapeMrkdwn,
  fitHome,
  fitMessage,
  fitModal,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../src/slack/blocks/limits.js';
import { cancelModal, caseResultModal, noteModal } from '../../src/slack/blocks/modals.js';
import { notice } from '../../src/slack/blocks/notices.js';
import { buildNudgeMessage } from '../../src/slack/blocks/nudge.js';
import { buildVendorStatus } from '../../src/slack/blocks/vendors.js';
import { describeError } from '../../src/slack/words.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';

/** The only people and channels caseops itself names; a mention of anyone else came from the input. */
export const OWN_USERS = ['UACTOR001', 'UWATCHER1'];
export const OWN_CHANNELS = ['CNOC00001'];

const HOSTILE_PIECES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<!channel|channel>',
  '<@U123>',
  '<@U123|alice>',
  '<!subteam^S1>',
  '<!subteam^S1|@noc>',
  '<#C1>',
  '<#C1|general>',
  '<https://evil.example|https://portal.example>',
  '<https://evil.example/login|Equinix portal>',
  '<http://evil.example>',
  '<mailto:ceo@evil.example|ceo@portal.example>',
  '<tel:+15550100|call us>',
  '<!date^1700000000^{date}|tomorrow>',
  '*bold*',
  '_x_',
  '~z~',
  '`code`',
  '```block```',
  '>quoted',
  '&lt;!channel&gt;',
  '&amp;lt;!here&amp;gt;',
  '&#60;!channel&#62;',
  '&lt;@U123&gt;',
  '<',
  '>',
  '&',
  '|',
  '<<!channel>>',
  '<!chan\u200bnel>',
  '\u200b<!here>',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2069',
  '\u061c',
  ':skull:',
  '@channel',
  '@here',
  '\n',
  '\r\n',
  '\t',
  '   ',
  '😀',
  'é',
];

/** A hostile piece, odd characters, or ordinary words. */
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom('core down', 'BGP flap', 'Cross connect', 'x', 'Closed', 'Open') },
);

export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_PIECES, 'x', 'é😀'), fc.integer({ min: 100, max: 8000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

/** Case ids as vendors send them, and hostile ones (an adapter validates them, a renderer must not rely on it). */
const caseId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('11150929', '682299374', '1042', 'CO-20250301-1A2B3C4D') },
  // Adapters hand over ids of at most 100 printable characters (the vendor fuzz checks it); markup passes.
  {
    weight: 1,
    arbitrary: hostile.map((text) => text.replace(/[\p{Cc}\s]/gu, '').slice(0, 100) || '<!here>'),
  },
);

const url = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('https://portal.example/cases/11150929', 'https://support.example/c?id=1'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'https://evil.example|https://portal.example',
      'https://portal.example/x><!channel>',
      'https://portal.example/<@U123>',
      'https://portal.example/a b',
      'javascript:alert(1)',
      'https://portal.example/|label',
      `https://portal.example/${'a'.repeat(4000)}`,
    ),
  },
  { weight: 1, arbitrary: hostile },
);

const iso = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const vendor = fc.constantFrom(...VENDOR_IDS);
const state = fc.constantFrom(...CASE_STATES);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

export const hostileCase: fc.Arbitrary<Case> = fc.record(
  {
    vendor,
    id: caseId,
    alternateIds: fc.array(caseId, { maxLength: 2 }),
    title: hostile,
    status: hostile,
    state,
    severity: optional(hostile),
    owner: optional(hostile),
    createdAt: optional(iso),
    updatedAt: optional(iso),
    url,
    notes: fc.array(
      fc.record(
        {
          text: hostile,
          author: optional(hostile),
          createdAt: optional(iso),
          visibility: optional(fc.constantFrom('INTERNAL' as const, 'EXTERNAL' as const)),
        },
        { requiredKeys: ['text'] },
      ),
      { maxLength: 4 },
    ),
    fields: fc.array(fc.record({ label: hostile, value: hostile }), { maxLength: 6 }),
    allows: optional(fc.record({ annotate: optional(fc.boolean()), cancel: optional(fc.boolean()) })),
  },
  { requiredKeys: ['vendor', 'id', 'alternateIds', 'title', 'status', 'state', 'notes', 'fields'] },
) as fc.Arbitrary<Case>;

const capabilities = fc.subarray([...CAPABILITIES]).map((list) => new Set<Capability>(list));

const changeEvent: fc.Arbitrary<StatusChangeEvent> = fc.record({
  id: fc.nat(),
  vendor,
  caseId,
  title: hostile,
  url,
  fromStatus: hostile,
  fromState: state,
  toStatus: hostile,
  toState: state,
  observedAt: iso,
}) as fc.Arbitrary<StatusChangeEvent>;

const watch = fc.record({
  vendor,
  caseId,
  channelId: fc.constantFrom(...OWN_CHANNELS),
  createdBy: fc.constantFrom(...OWN_USERS),
  createdAt: iso,
});

const watchedCase: fc.Arbitrary<WatchedCase> = fc.record(
  { watch, title: optional(hostile), status: optional(hostile), url },
  { requiredKeys: ['watch'] },
);

const auditEntry: fc.Arbitrary<AuditEntry> = fc.record(
  {
    id: fc.nat(),
    at: iso,
    actorUserId: fc.constantFrom(...OWN_USERS),
    channelId: optional(fc.constantFrom(...OWN_CHANNELS)),
    vendor,
    caseId: optional(caseId),
    action: fc.constantFrom('open' as const, 'annotate' as const, 'cancel' as const),
    outcome: fc.constantFrom('ok' as const, 'error' as const, 'unknown' as const),
    detail: hostile,
  },
  { requiredKeys: ['id', 'at', 'actorUserId', 'vendor', 'action', 'outcome', 'detail'] },
) as fc.Arbitrary<AuditEntry>;

const vendorError = fc.tuple(vendor, fc.nat({ max: 7 }), hostile, caseId).map(([v, kind, words, id]) => {
  switch (kind) {
    case 0:
      return new VendorRejectedError(v, words, 400, words);
    case 1:
      return new CaseConflictError(v, words, 409);
    case 2:
      return new CaseNotFoundError(v, id, 404);
    case 3:
      return new VendorUnavailableError(v, words, 502, kind % 2 === 1);
    case 4:
      return new OutcomeUnknownError(v, id, words);
    case 5:
      return new VendorUnauthorisedError(v, words, 401);
    case 6:
      return new UnsupportedOperationError(v, words, words);
    default:
      return new VendorThrottledError(v, 30_000, 429, words);
  }
});

function healthOf(v: VendorId, message: string, at: string): VendorHealth {
  return {
    vendor: v,
    lastSuccessAt: at,
    lastError: { code: 'unavailable', message, at },
    budget: { ratePerSecond: 5, maxConcurrent: 4, inFlight: 0, queued: 0 },
  };
}

export type Rendered = {
  surface: string;
  message?: SlackMessage;
  view?: { blocks: unknown[]; title?: { text: string } };
  /** The renderer threw instead of drawing. */
  threw?: string;
};

/** One input for every renderer: what caseops would draw from hostile vendor data. */
export const renderInput = fc.record({
  cases: fc.array(hostileCase, { minLength: 1, maxLength: 12 }),
  surface: fc.constantFrom('channel' as const, 'ephemeral' as const, 'modal' as const),
  capabilities,
  watchedHere: fc.boolean(),
  inChannel: fc.boolean(),
  notes: fc.nat({ max: 5 }),
  query: fc.record({
    by: fc.constantFrom('contract' as const, 'user' as const),
    ids: fc.array(caseId, { minLength: 1, maxLength: 3 }),
  }),
  page: fc.integer({ min: 0, max: 3 }),
  watched: fc.array(watchedCase, { maxLength: 8 }),
  events: fc.array(changeEvent, { maxLength: 30 }),
  since: optional(iso),
  audit: fc.array(auditEntry, { maxLength: 12 }),
  error: vendorError,
  words: hostile,
});

export type RenderInput = typeof renderInput extends fc.Arbitrary<infer T> ? T : never;

/** Everything the renderers draw from one input, as Slack would receive it (fitted to its limits). */
export function renderAll(input: RenderInput): Rendered[] {
  const first = input.cases[0] as Case;
  const out: Rendered[] = [];
  const message = (surface: string, m: SlackMessage) => out.push({ surface, message: fitMessage(m) });
  const attempt = (surface: string, render: () => void) => {
    try {
      render();
    } catch (error) {
      out.push({ surface, threw: error instanceof Error ? error.message : String(error) });
    }
  };
  attempt('case card', () =>
    message(
      'case card',
      buildCaseCard(first, {
        surface: input.surface,
        capabilities: input.capabilities,
        openedBy: OWN_USERS[0],
        watchedHere: input.watchedHere,
        inChannel: input.inChannel,
        notes: input.notes,
      }),
    ),
  );
  attempt('case list', () =>
    message('case list', buildListPage(first.vendor, input.query, input.cases, input.page)),
  );
  attempt('unfurl', () =>
    message('unfurl', {
      text: 'unfurl',
      blocks: buildCaseUnfurl(first, { now: new Date(), canWatch: input.watchedHere }),
    }),
  );
  attempt('nudge', () =>
    message(
      'nudge',
      buildNudgeMessage({
        key: 'k',
        stay: {
          channelId: OWN_CHANNELS[0] as string,
          vendor: first.vendor,
          caseId: first.id,
          situation: input.watchedHere ? 'waiting-on-us' : 'vendor-silent',
          stayStart: first.createdAt ?? new Date(0).toISOString(),
        },
        sequence: 1 + input.page,
        title: first.title,
        url: first.url,
        lastedMs: 3_600_000,
        mention: OWN_USERS[0],
      }),
    ),
  );
  attempt('watching list', () =>
    message('watching list', buildWatchingList(OWN_CHANNELS[0] as string, input.watched)),
  );
  attempt('digest', () => {
    for (const digest of buildDigestMessages(input.events, {
      timezone: 'Europe/Amsterdam',
      since: input.since,
    })) {
      message('digest', digest);
    }
  });
  attempt('audit trail', () =>
    message('audit trail', buildAuditTrail(first.vendor, first.id, input.audit, { more: input.watchedHere })),
  );
  attempt('vendors', () =>
    message(
      'vendors',
      buildVendorStatus(
        VENDOR_IDS.slice(0, 1 + (input.page % 4)).map((v) =>
          vendorStatus(
            {
              vendor: v,
              capabilities: input.capabilities,
              health: () => healthOf(v, input.words, first.createdAt ?? '2026-01-01T00:00:00.000Z'),
            },
            Date.now(),
          ),
        ),
      ),
    ),
  );
  attempt('error notice', () => message('error notice', notice(describeError(input.error).text)));
  const recent: RecentCase[] = input.cases.map((c) => ({
    userId: OWN_USERS[0] as string,
    vendor: c.vendor,
    caseId: c.id,
    title: c.title,
    at: c.updatedAt ?? '2026-01-01T00:00:00.000Z',
  }));
  const queue: HomeQueue = {
    shown: input.watched.map((w, index) => ({
      group: QUEUE_GROUPS[index % QUEUE_GROUPS.length]!,
      since: '2026-01-01T00:00:00.000Z',
      ...(index % 2 === 0
        ? { clock: { situation: 'vendor-silent' as const, since: '2026-01-01T00:00:00.000Z' } }
        : {}),
      item: {
        vendor: w.watch.vendor,
        caseId: w.watch.caseId,
        title: w.title ?? '',
        status: w.status ?? '',
        state: 'resolved' as const,
        channels: [w.watch.channelId],
        cardLink: `https://example.slack.com/archives/${w.watch.channelId}/p1?${w.title ?? ''}`,
      },
    })),
    more: { 'waiting-on-us': input.watched.length },
    notSeenYet: 1,
  };
  attempt('App Home', () =>
    out.push({
      surface: 'App Home',
      view: fitHome(
        buildHome({ recent, queue, now: new Date('2026-01-02T00:00:00Z'), canOpen: input.inChannel }),
      ),
    }),
  );
  const metadata = { vendor: first.vendor, id: first.id, channel: OWN_CHANNELS[0], attempt: 1 };
  attempt('note modal', () =>
    out.push({
      surface: 'note modal',
      view: fitModal(
        noteModal({
          metadata: { ...metadata, kind: 'note' },
          title: first.title,
          initial: input.words,
          withVisibility: input.watchedHere,
        }),
      ),
    }),
  );
  attempt('cancel modal', () =>
    out.push({
      surface: 'cancel modal',
      view: fitModal(
        cancelModal({ metadata: { ...metadata, kind: 'cancel' }, title: first.title, reason: input.words }),
      ),
    }),
  );
  attempt('result modal', () =>
    out.push({
      surface: 'result modal',
      view: fitModal(caseResultModal('Case opened', 'Opened.', first, input.capabilities)),
    }),
  );
  return out;
}

/** The case ids of an input as caseops labels its links with them. */
export function caseLinkLabels(input: RenderInput): Set<string> {
  const ids = [...input.cases.map((c) => c.id), ...input.events.map((e) => e.caseId)];
  return new Set(ids.map((id) => escapeMrkdwn(id)));
}

// ---- checks ----------------------------------------------------------------------------------------------

const LINK = /^(https?:\/\/[^\s|<>]+)(?:\|(.*))?$/s;
/** A label that reads like an address: the link pretends to go somewhere else. */
const ADDRESS_LIKE = /https?:\/\/|www\.|[\w-]+\.(example|com|net|org)\b|mailto:/i;

/**
 * What is live in one mrkdwn text that caseops did not put there itself, or undefined. `ownLabels` are the
 * labels caseops links on purpose: a case id (escaped) linked to the case's portal page.
 */
export function liveProblem(text: string, ownLabels: ReadonlySet<string> = new Set()): string | undefined {
  for (const match of text.matchAll(/<([^<>]*)>/g)) {
    const token = match[1] ?? '';
    if (token.startsWith('!date^')) {
      const fallbackWords = token.split('|')[1] ?? '';
      if (/[<>]/.test(fallbackWords)) return `a date token carries markup: <${token.slice(0, 80)}>`;
      continue;
    }
    if (token.startsWith('!')) return `a broadcast: <${token.slice(0, 80)}>`;
    if (token.startsWith('@')) {
      if (!OWN_USERS.includes(token.slice(1))) return `a mention: <${token.slice(0, 80)}>`;
      continue;
    }
    if (token.startsWith('#')) {
      if (!OWN_CHANNELS.includes(token.slice(1))) return `a channel link: <${token.slice(0, 80)}>`;
      continue;
    }
    const link = LINK.exec(token);
    if (!link) return `a token Slack would read as a link: <${token.slice(0, 80)}>`;
    if (link[1]?.includes('evil.example')) return `a link to a hostile address: <${token.slice(0, 80)}>`;
    const label = link[2];
    if (label !== undefined && !ownLabels.has(label) && ADDRESS_LIKE.test(label))
      return `a disguised link: <${token.slice(0, 80)}>`;
  }
  return undefined;
}

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

/** Every text object in a block tree, with the key it hangs under (header text, button text, …). */
function textsIn(value: unknown, where: string, out: Array<{ where: string; t: TextObject }>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) textsIn(item, where, out);
    return;
  }
  const record = value as Record<string, unknown>;
  if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') {
    out.push({ where, t: record as unknown as TextObject });
    return;
  }
  const kind = typeof record.type === 'string' ? record.type : where;
  for (const [key, inner] of Object.entries(record)) textsIn(inner, `${kind}.${key}`, out);
}

const L = SLACK_LIMITS;
const MAX_BY_PLACE: Array<[RegExp, number]> = [
  [/^header\.text$/, L.message.headerChars],
  [/^button\.text$/, L.element.buttonTextChars],
  [/option\.text$|^static_select\.options|\.options$/, L.element.optionTextChars],
  [/^context\.elements$/, L.element.contextTextChars],
  [/^section\.fields$/, L.message.fieldChars],
  [/^section\.text$/, L.message.sectionTextChars],
  [/placeholder$/, L.input.placeholderChars],
];

/** Everything wrong with one rendered surface. */
export function renderedProblems(rendered: Rendered, ownLabels: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  const { surface } = rendered;
  if (rendered.threw !== undefined) return [`${surface} threw: ${rendered.threw}`];
  const blocks = (rendered.message?.blocks ?? rendered.view?.blocks ?? []) as unknown[];
  if (rendered.message) {
    const live = liveProblem(rendered.message.text, ownLabels);
    if (live) problems.push(`${surface} fallback text: ${live}`);
    if (rendered.message.text.length > L.message.fallbackChars)
      problems.push(`${surface} fallback text too long`);
    if (blocks.length > L.message.blocks) problems.push(`${surface}: ${blocks.length} blocks`);
  } else if (blocks.length > L.modal.blocks) {
    problems.push(`${surface}: ${blocks.length} blocks`);
  }
  const title = rendered.view?.title?.text;
  if (title !== undefined && title.length > L.modal.titleChars)
    problems.push(`${surface}: title of ${title.length}`);
  const texts: Array<{ where: string; t: TextObject }> = [];
  textsIn(blocks, 'blocks', texts);
  for (const { where, t } of texts) {
    if (t.type === 'mrkdwn') {
      const live = liveProblem(t.text, ownLabels);
      if (live) problems.push(`${surface} ${where}: ${live}`);
    }
    if (t.text.length === 0 && !/\.initial|option/.test(where))
      problems.push(`${surface} ${where}: an empty ${t.type}`);
    const max = MAX_BY_PLACE.find(([place]) => place.test(where))?.[1] ?? L.message.sectionTextChars;
    if (t.text.length > max) problems.push(`${surface} ${where}: ${t.type} of ${t.text.length} > ${max}`);
  }
  const fields = blocks.flatMap((b) =>
    (b as { fields?: unknown[] }).fields ? [(b as { fields: unknown[] }).fields] : [],
  );
  if (fields.some((f) => f.length > L.message.fieldCount)) problems.push(`${surface}: more than 10 fields`);
  return problems;
}

export const STATES: readonly CaseState[] = CASE_STATES;
