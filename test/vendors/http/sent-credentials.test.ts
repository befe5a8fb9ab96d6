import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/logging/logger.js';
import { maskAnswer, rememberSentCredentials } from '../../../src/vendors/http/sent-credentials.js';

const answer = (value: unknown) => {
  const text = JSON.stringify(value);
  return maskAnswer(text, JSON.parse(text));
};

describe('a vendor answer quoted back to a person', () => {
  it('hands an answer with nothing to mask on as it is', () => {
    rememberSentCredentials({ authorization: 'Bearer plain-answer-token-0001' }, undefined);
    const text = JSON.stringify({ id: '11150929', status: 'Open', notes: [{ body: 'Fibre swapped' }] });
    const json = JSON.parse(text);
    const masked = maskAnswer(text, json);
    expect(masked.text).toBe(text);
    expect(masked.json).toBe(json);
  });

  it('masks a remembered credential wherever the answer quotes it, text and JSON alike', () => {
    rememberSentCredentials({ authorization: 'Bearer echoed-token-abc123' }, undefined);
    const masked = answer({
      error: 'refused echoed-token-abc123',
      detail: { seen: ['echoed-token-abc123'] },
    });
    expect(masked.text).not.toContain('echoed-token-abc123');
    expect(JSON.stringify(masked.json)).not.toContain('echoed-token-abc123');
    expect(masked.json).toEqual({ error: `refused ${REDACTED}`, detail: { seen: [REDACTED] } });
  });

  it('masks a credential the JSON text spells with escapes', () => {
    rememberSentCredentials({}, { client_secret: 'sl/ashvalue=42' });
    // No credential-named word in it: only the escaped slash tells this answer apart from a plain one.
    const text = '{"message":"bad client sl\\/ashvalue=42"}';
    const masked = maskAnswer(text, JSON.parse(text));
    expect(masked.json).toEqual({ message: `bad client ${REDACTED}` });
  });

  it('masks the value of a credential-named field, even one never sent and even when empty', () => {
    const masked = answer({ access_token: 'never-sent-0123456789', refresh_token: '', note: 'ok' });
    expect(masked.json).toEqual({ access_token: REDACTED, refresh_token: REDACTED, note: 'ok' });
    expect(masked.text).not.toContain('never-sent-0123456789');
  });

  it('masks the longer of two overlapping credentials whole, however they were remembered', () => {
    rememberSentCredentials({}, { password: 'overlap-1234' });
    rememberSentCredentials({}, { api_key: 'overlap-1234-and-more' });
    const masked = answer({ message: 'got overlap-1234-and-more and overlap-1234' });
    expect(masked.json).toEqual({ message: `got ${REDACTED} and ${REDACTED}` });
  });
});
