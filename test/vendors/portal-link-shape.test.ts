/** A portal template is also the shape of the links to recognise: the case id back from a pasted link. */
import { describe, expect, it } from 'vitest';
import { portalLinkPattern } from '../../src/vendors/portal.js';

describe('portal link shapes', () => {
  it('reads the id where the template has {id}, ignoring a trailing slash and the host name case', () => {
    const parse = portalLinkPattern('https://portal.example.com/support/cases/{id}/details')!;
    expect(parse('https://portal.example.com/support/cases/11150929/details')).toBe('11150929');
    expect(parse('https://PORTAL.example.com/support/cases/11150929/details/')).toBe('11150929');
    expect(parse('https://portal.example.com/support/cases/2026%2F01/details')).toBe('2026/01');
  });

  it('refuses links of another shape, another host or with more path', () => {
    const parse = portalLinkPattern('https://portal.example.com/cases/{id}?from=caseops')!;
    expect(parse('https://portal.example.com/cases/123?from=caseops')).toBe('123');
    expect(parse('https://portal.example.com/cases/123')).toBeUndefined();
    expect(parse('https://portal.example.org/cases/123?from=caseops')).toBeUndefined();
    expect(parse('https://portal.example.com/cases/123/x?from=caseops')).toBeUndefined();
    expect(parse('https://portalXexample.com/cases/123?from=caseops')).toBeUndefined();
  });

  it('has no shape for a template without {id}', () => {
    expect(portalLinkPattern('https://portal.example.com/cases')).toBeUndefined();
  });
});
