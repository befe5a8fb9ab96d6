import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, redactText } from '../../src/logging/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), output: () => lines.join('') };
}

describe('logger redaction', () => {
  it('masks credential-named keys at any depth, in objects and arrays', () => {
    const { logger, output } = capture();
    logger.info(
      {
        request: { headers: { Authorization: 'Bearer abc.def.ghi', 'x-api-key': 'k-123456' } },
        vendors: [{ clientSecret: 'cs-987654', client_id: 'visible-id' }],
        deep: { a: { b: { c: { password: 'hunter2-pw' } } } },
        refresh_token: 'rt-555555',
      },
      'calling vendor',
    );
    const out = output();
    for (const secret of ['abc.def.ghi', 'k-123456', 'cs-987654', 'hunter2-pw', 'rt-555555']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('visible-id');
    expect(out).toContain('[redacted]');
  });

  it('masks bearer/basic credentials and Slack tokens inside strings and messages', () => {
    const { logger, output } = capture();
    logger.warn({ note: 'retry with Basic dXNlcjpwYXNzd29yZA==' }, 'token xoxb-1234-5678-abcdef leaked?');
    logger.error('Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.sig and xapp-1-A0-123-abc');
    const out = output();
    expect(out).not.toContain('dXNlcjpwYXNzd29yZA==');
    expect(out).not.toContain('xoxb-1234-5678-abcdef');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('xapp-1-A0-123-abc');
    expect(out).toContain('Basic [redacted]');
  });

  it('masks secrets carried by errors', () => {
    const { logger, output } = capture();
    const error = Object.assign(new Error('vendor said no to Bearer s3cr3t-token-value'), {
      clientSecret: 'cs-111111',
    });
    logger.error({ err: error }, 'failed');
    const out = output();
    expect(out).not.toContain('s3cr3t-token-value');
    expect(out).not.toContain('cs-111111');
    expect(out).toContain('vendor said no');
  });

  it('leaves ordinary values alone and survives cycles', () => {
    const value: Record<string, unknown> = { caseId: '11150929', count: 3, tokenCount: undefined };
    value.self = value;
    const out = redactSecrets(value) as Record<string, unknown>;
    expect(out.caseId).toBe('11150929');
    expect(out.count).toBe(3);
    expect(out.self).toBe('[circular]');
    expect(redactText('case 11150929 moved to IN_PROGRESS')).toBe('case 11150929 moved to IN_PROGRESS');
  });
});
