/** Every typed failure has its words, in one place; nothing shows a stack or an internal code. */
import { describe, expect, it } from 'vitest';
import {
  CaseConflictError,
  CaseNotFoundError,
  DeniedError,
  InvalidInputError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorNotConfiguredError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../src/domain/errors.js';
import { PolicyCheckUnavailableError } from '../../src/domain/policy-gate.js';
import { apiBaseUrl } from '../../src/slack/app.js';
import { errorKind } from '../../src/slack/errors.js';
import { describeError } from '../../src/slack/words.js';

describe('describeError', () => {
  it.each([
    [
      new InvalidInputError('Ticket code must look like 0100-0200.', 'code'),
      /^Ticket code must look like/,
      true,
    ],
    [new VendorNotConfiguredError('Juniper'), /^Juniper is not configured in this workspace/, true],
    [
      new DeniedError('defaults.open', {
        kind: 'severity-cap',
        action: 'open',
        vendor: 'cisco',
        asked: 1,
        cap: 2,
        capRule: { name: 'sev1' },
        whoMay: [],
      }),
      /not severity 1: rule "sev1" caps you there\. Nobody may open a severity 1 case at Cisco/,
      true,
    ],
    [new CaseNotFoundError('equinix', '19999999'), /^No Equinix case `19999999` was found\.$/, true],
    [
      // The vendor's own words stay in the log: the person reads the status and the vendor's error code.
      new VendorRejectedError('equinix', 'Ticket code 0999-0999 is not accepted.', 400, 'EQ-3040020'),
      /^Equinix refused the request \(HTTP 400, code `EQ-3040020`\), so nothing was changed\.(?!.*0999)/,
      true,
    ],
    [
      new CaseConflictError('equinix', 'the case is closed', 409),
      /^Equinix says the case cannot be changed now \(HTTP 409\), so nothing was changed\.$/,
      false,
    ],
    [
      // Caseops' own reason (no vendor answer) helps the person fix what they typed, so it is shown.
      new CaseConflictError('motadata', 'incident 42 is already Closed'),
      /^Motadata ServiceOps says the case cannot be changed now: incident 42 is already Closed/,
      false,
    ],
    [
      new VendorThrottledError('cisco', 12_500),
      /Cisco is rate limiting caseops\. Nothing was sent; try again in 13 seconds\./,
      true,
    ],
    [
      new VendorUnauthorisedError('motadata', 'invalid_grant'),
      /Motadata ServiceOps refused caseops' credentials/,
      true,
    ],
    [
      new VendorUnavailableError('juniper', 'HTTP 503'),
      /Juniper is not answering properly \(HTTP 503\)\. Nothing was changed/,
      true,
    ],
    [
      new VendorUnavailableError('juniper', 'timed out', undefined, true),
      /the request may have gone through/,
      false,
    ],
    [
      new UnsupportedOperationError('cisco', 'annotate', "Cisco's Support Case API is read-only"),
      /^Cisco does not allow adding notes through its API: Cisco's Support Case API is read-only\.$/,
      false,
    ],
    [
      new OutcomeUnknownError('equinix', 'co-0123456789abcdef01234567', 'no answer within 10000 ms'),
      /did not confirm the request \(no answer within 10000 ms\).*reference `co-0123456789abcdef01234567`.*will not repeat it/,
      false,
    ],
  ])('%s', (error, words, resubmittable) => {
    const described = describeError(error);
    expect(described.text).toMatch(words);
    expect(described.resubmittable).toBe(resubmittable);
  });

  it('escapes what a vendor said so it cannot mention or link anyone', () => {
    expect(describeError(new VendorRejectedError('equinix', '<!channel> <https://evil|click>')).text).toBe(
      'Equinix refused: &lt;!channel&gt; &lt;https://evil|click&gt;',
    );
  });

  it('words a policy denial with the rule and who may act, mentioned', () => {
    const rule = (users: string[], groups: string[]) => ({
      name: 'r',
      users,
      groups,
      channels: [],
      anyone: false,
    });
    const denial = new DeniedError('defaults.cancel (policy.yaml line 3)', {
      kind: 'not-allowed',
      action: 'cancel',
      vendor: 'equinix',
      rules: { name: 'defaults.cancel', source: 'policy.yaml line 3' },
      whoMay: [rule(['U0BOB'], []), rule([], ['S0ONCALL'])],
    });
    expect(describeError(denial).text).toBe(
      ':no_entry: You may not cancel Equinix cases: rule "defaults.cancel" (policy.yaml line 3) allows only <@U0BOB>; members of <!subteam^S0ONCALL>.',
    );
  });

  it('a group membership Slack could not confirm: try again, nothing internal', () => {
    const described = describeError(new PolicyCheckUnavailableError('S0ONCALL', new Error('fatal_error')));
    expect(described).toEqual({
      text: 'caseops could not check membership of user group S0ONCALL with Slack just now, so it cannot tell whether you may do this. Try again in a minute.',
      retryable: true,
      resubmittable: true,
    });
  });

  it('words Slack’s own refusals', () => {
    const platform = (error: string) =>
      Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { error } });
    expect(describeError(platform('not_in_channel')).text).toContain('/invite @caseops');
    expect(describeError(platform('weird_new_error')).text).toBe(
      'Slack refused the request (`weird_new_error`).',
    );
    expect(
      describeError(
        Object.assign(new Error('x'), { code: 'slack_webapi_rate_limited_error', retryAfter: 30 }),
      ).text,
    ).toBe('Slack is rate limiting caseops. Try again in 30 seconds.');
  });

  it('an unexpected error gets a reference, never its message or stack', () => {
    const described = describeError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(described.text).toMatch(/^Something went wrong inside caseops \(reference `[0-9a-f]{6}`\)/);
    expect(described.text).not.toContain('Cannot read');
  });
});

describe('SLACK_API_URL', () => {
  it.each([
    ['https://slack.com/api/', 'https://slack.com/api/'],
    ['https://slack.com/api', 'https://slack.com/api/'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000/api/'],
    ['https://proxy.example.com/slack/', 'https://proxy.example.com/slack/api/'],
  ])('%s → %s', (given, base) => {
    expect(apiBaseUrl(given)).toBe(base);
  });

  it('unset keeps the client’s default', () => {
    expect(apiBaseUrl(undefined)).toBeUndefined();
  });
});

describe('errorKind', () => {
  const denied = (kind: 'not-allowed' | 'severity-cap') =>
    new DeniedError(
      'rule',
      kind === 'severity-cap'
        ? { kind, action: 'open', vendor: 'juniper', asked: 1, cap: 2, capRule: { name: 'rule' }, whoMay: [] }
        : { kind, action: 'annotate', vendor: 'equinix', rules: { name: 'rule' }, whoMay: [] },
    );

  it('offers a denied form again only when editing it can change the answer (a severity cap)', () => {
    expect(errorKind(denied('severity-cap'))).toMatchObject({ outcome: 'denied', resubmittable: true });
    expect(errorKind(denied('not-allowed'))).toMatchObject({ outcome: 'denied', resubmittable: false });
  });

  it('shows the usage line for what the person can fix in what they typed', () => {
    expect(errorKind(new InvalidInputError('bad date', 'from')).showUsage).toBe(true);
    expect(errorKind(new InvalidInputError('bad\nUsage: /case x', 'usage')).showUsage).toBe(false);
    expect(errorKind(new VendorNotConfiguredError('Juniper'))).toMatchObject({
      outcome: 'invalid',
      showUsage: true,
    });
    expect(errorKind(new CaseNotFoundError('equinix', '1')).showUsage).toBe(false);
  });

  it('never calls a write that may have gone through safe to send again', () => {
    expect(errorKind(new VendorUnavailableError('juniper', 'timed out', undefined, true))).toMatchObject({
      resubmittable: false,
      retryable: false,
    });
    expect(errorKind(new VendorUnavailableError('juniper', '502'))).toMatchObject({
      resubmittable: true,
      retryable: true,
    });
  });

  it('treats what Slack refused as worth another try, and the unknown as an error', () => {
    expect(errorKind({ code: 'slack_webapi_request_error' })).toMatchObject({
      outcome: 'error',
      retryable: true,
    });
    expect(errorKind(new Error('boom'))).toEqual({
      outcome: 'error',
      resubmittable: true,
      showUsage: false,
      retryable: false,
    });
  });
});
