import { describe, expect, it } from 'vitest';
import { computeSlackSignature, signSlackRequest, verifySlackSignature } from '../../src/slack/signing.js';

// The worked example in Slack's "Verifying requests from Slack" documentation.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signing', () => {
  it("matches Slack's published test vector", () => {
    expect(computeSlackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(signSlackRequest(SECRET, BODY, TIMESTAMP)).toEqual({
      'x-slack-request-timestamp': String(TIMESTAMP),
      'x-slack-signature': SIGNATURE,
    });
  });

  it('accepts the vector within five minutes of its timestamp, either side', () => {
    const headers = { timestamp: String(TIMESTAMP), signature: SIGNATURE };
    expect(verifySlackSignature(SECRET, headers, BODY, TIMESTAMP)).toBeUndefined();
    expect(verifySlackSignature(SECRET, headers, BODY, TIMESTAMP + 300)).toBeUndefined();
    expect(verifySlackSignature(SECRET, headers, BODY, TIMESTAMP - 300)).toBeUndefined();
  });

  it('refuses a stale or future timestamp, a changed body, another secret and missing headers', () => {
    const headers = { timestamp: String(TIMESTAMP), signature: SIGNATURE };
    expect(verifySlackSignature(SECRET, headers, BODY, TIMESTAMP + 301)).toBe('stale_timestamp');
    expect(verifySlackSignature(SECRET, headers, BODY, TIMESTAMP - 301)).toBe('stale_timestamp');
    expect(verifySlackSignature(SECRET, headers, BODY.replace('roadrunner', 'coyote'), TIMESTAMP)).toBe(
      'bad_signature',
    );
    expect(verifySlackSignature(`${SECRET}x`, headers, BODY, TIMESTAMP)).toBe('bad_signature');
    expect(verifySlackSignature(SECRET, { timestamp: String(TIMESTAMP) }, BODY, TIMESTAMP)).toBe(
      'missing_headers',
    );
    expect(verifySlackSignature(SECRET, { signature: SIGNATURE }, BODY, TIMESTAMP)).toBe('missing_headers');
    expect(verifySlackSignature(SECRET, { ...headers, signature: 'v0=short' }, BODY, TIMESTAMP)).toBe(
      'bad_signature',
    );
  });
});
