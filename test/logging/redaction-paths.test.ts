/**
 * Every secret-shaped value caseops handles, sent through every way a line reaches the log: a line's own
 * fields and message, child-logger bindings, errors with nested causes, Bolt's logger adapter, node-cron's
 * logger, and vendor error text. None may appear in the output.
 */
import { Writable } from 'node:stream';
import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { VendorRejectedError } from '../../src/domain/errors.js';
import { createLogger, registerSecretValues, secretValuesOf } from '../../src/logging/logger.js';
import { nodeCronLogger } from '../../src/scheduler/scheduler.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';

const SECRETS = {
  botToken: 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOp',
  appToken: 'xapp-1-A0123456789-1234567890123-abcdef0123456789',
  // Signing secrets and client secrets have no telling shape: they are masked by value once configured.
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  equinixClientSecret: 'Eq-cl13nt-s3cr3t-value-9000',
  motadataPassword: 'M0tadata-Pa55word!',
  bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYXNlb3BzIn0.c2lnbmF0dXJl',
  databasePassword: 'pg-Pa55w0rd-db',
} as const;

const CONFIGURED = {
  SLACK_BOT_TOKEN: SECRETS.botToken,
  SLACK_APP_TOKEN: SECRETS.appToken,
  SLACK_SIGNING_SECRET: SECRETS.signingSecret,
  EQUINIX_CLIENT_ID: 'equinix-client-id-visible',
  EQUINIX_CLIENT_SECRET: SECRETS.equinixClientSecret,
  MOTADATA_PASSWORD: SECRETS.motadataPassword,
  DATABASE_URL: `postgres://caseops:${SECRETS.databasePassword}@db.internal:5432/caseops`,
};

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), output: () => lines.join('') };
}

function expectNoSecret(output: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(output, `${name} leaked`).not.toContain(secret);
  }
}

registerSecretValues(secretValuesOf(CONFIGURED));

describe('no secret reaches the log, whichever way it is logged', () => {
  it('configured credentials are the ones registered, and no other value', () => {
    expect(secretValuesOf(CONFIGURED).sort()).toEqual(
      [
        SECRETS.botToken,
        SECRETS.appToken,
        SECRETS.signingSecret,
        SECRETS.equinixClientSecret,
        SECRETS.motadataPassword,
      ].sort(),
    );
  });

  it("in a line's fields and message", () => {
    const { logger, output } = capture();
    logger.info({ config: CONFIGURED, headers: { authorization: `Bearer ${SECRETS.bearer}` } }, 'configured');
    logger.warn(
      `signing with ${SECRETS.signingSecret}, posting with ${SECRETS.botToken}, socket ${SECRETS.appToken}, ` +
        `db ${CONFIGURED.DATABASE_URL}, vendor ${SECRETS.equinixClientSecret}, auth Bearer ${SECRETS.bearer}`,
    );
    expectNoSecret(output());
    expect(output()).toContain('equinix-client-id-visible');
    expect(output()).toContain('db.internal:5432/caseops');
  });

  it('in child-logger bindings, children of children included', () => {
    const { logger, output } = capture();
    const child = logger.child({ apiToken: SECRETS.botToken, component: 'vendors' });
    const grandchild = child.child({
      databaseUrl: CONFIGURED.DATABASE_URL,
      note: `uses ${SECRETS.signingSecret}`,
      vendor: { clientSecret: SECRETS.equinixClientSecret, password: SECRETS.motadataPassword },
    });
    child.info('child line');
    grandchild.info('grandchild line');
    grandchild.child({ header: `Bearer ${SECRETS.bearer}`, app: SECRETS.appToken }).error('deepest line');
    expectNoSecret(output());
    expect(output()).toContain('"component":"vendors"');
    expect(output()).toContain('grandchild line');
    expect(output()).toContain('deepest line');
  });

  it('in errors and their nested causes, which are kept', () => {
    const { logger, output } = capture();
    const root = Object.assign(new Error(`connect failed for ${CONFIGURED.DATABASE_URL}`), {
      clientSecret: SECRETS.equinixClientSecret,
    });
    const middle = new Error(`token call refused (Bearer ${SECRETS.bearer})`, { cause: root });
    const top = new Error(`posting with ${SECRETS.botToken} failed`, { cause: middle });
    const many = new AggregateError([new Error(`socket ${SECRETS.appToken} closed`)], 'several failures');
    logger.error({ err: top }, 'chain');
    logger.error({ err: many }, 'aggregate');
    logger
      .child({ err: new Error('bound', { cause: new Error(SECRETS.signingSecret) }) })
      .warn('bound error');
    const out = output();
    expectNoSecret(out);
    const chain = JSON.parse(out.split('\n')[0] as string) as {
      err: { message: string; cause: { message: string; cause: { message: string } } };
    };
    expect(chain.err.message).toBe('posting with [redacted] failed');
    expect(chain.err.cause.message).toBe('token call refused (Bearer [redacted])');
    expect(chain.err.cause.cause.message).toBe(
      'connect failed for postgres://caseops:[redacted]@db.internal:5432/caseops',
    );
    expect(out).toContain('several failures');
    expect(out).toContain('closed');
  });

  it("through Bolt's logger adapter", () => {
    const { logger, output } = capture();
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.debug('apiCall', {
      token: SECRETS.botToken,
      headers: { Authorization: `Bearer ${SECRETS.bearer}` },
    });
    bolt.info(`socket mode connecting with ${SECRETS.appToken}`);
    bolt.warn({ signing_secret: SECRETS.signingSecret }, 'signature check');
    bolt.error(new Error(`invalid_auth for ${SECRETS.botToken}`), {
      client_secret: SECRETS.equinixClientSecret,
    });
    bolt.setName('bolt-app');
    bolt.error('after rename', { password: SECRETS.motadataPassword });
    const out = output();
    expectNoSecret(out);
    expect(out).toContain('invalid_auth for [redacted]');
    expect(out).toContain('after rename');
  });

  it("through node-cron's logger", () => {
    const { logger, output } = capture();
    const cron = nodeCronLogger(logger);
    cron.info(`task started with ${SECRETS.signingSecret}`);
    cron.warn(`missed execution, token ${SECRETS.botToken}`);
    cron.error(new Error(`task failed: Bearer ${SECRETS.bearer}`));
    cron.error('task failed', new Error('cause', { cause: new Error(CONFIGURED.DATABASE_URL) }));
    cron.debug(`tick ${SECRETS.motadataPassword}`);
    expectNoSecret(output());
    expect(output()).toContain('task failed');
  });

  it('in vendor error bodies quoted in errors', () => {
    const { logger, output } = capture();
    const body = JSON.stringify({
      error: 'invalid_client',
      client_secret: 'echoed-back-by-a-careless-vendor',
      access_token: 'at-123456789',
    });
    const rejected = new VendorRejectedError('equinix', `HTTP 400: ${body}`, 400);
    const form = `grant_type=password&username=noc&password=${encodeURIComponent(SECRETS.motadataPassword)}&x=1`;
    logger.warn({ err: rejected, vendorBody: body, requestBody: form }, 'vendor refused');
    const out = output();
    expectNoSecret(out);
    expect(out).not.toContain('echoed-back-by-a-careless-vendor');
    expect(out).not.toContain('at-123456789');
    expect(out).not.toContain(encodeURIComponent(SECRETS.motadataPassword));
    expect(out).toContain('invalid_client');
  });
});
