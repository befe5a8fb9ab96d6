/** A Slack message as a vendor note reads it, and the case reference it carries. */
import { describe, expect, it } from 'vitest';
import { findCaseReference, messageAsPlainText } from '../../src/slack/listeners/shortcuts/message-text.js';

const noLinks = () => undefined;

describe('a message as a note', () => {
  it('drops formatting, names people, keeps link URLs and undoes escaping', async () => {
    const names: Record<string, string> = { UALICE01: 'Alice Ops' };
    const text = await messageAsPlainText(
      '*Down* since 02:10, _again_: <@UALICE01> and <@UNKNOWN1> see <https://x.example/a|graph> &amp; `show bgp`',
      async (id) => names[id],
    );
    expect(text).toBe(
      'Down since 02:10, again: @Alice Ops and @UNKNOWN1 see graph (https://x.example/a) & show bgp',
    );
  });

  it('finds "EQX 11150929" and "cisco 690000001", the earliest first, by any alias', () => {
    expect(findCaseReference('optic swap on EQX 11150929 done', noLinks)).toEqual({
      vendor: 'equinix',
      id: '11150929',
    });
    expect(findCaseReference('TAC: cisco case 690000001, then eqx 11150929', noLinks)).toEqual({
      vendor: 'cisco',
      id: '690000001',
    });
    expect(findCaseReference('BGP to the Equinix IX is flapping', noLinks)).toBeUndefined();
  });

  it('prefers a portal link the vendors recognise', () => {
    const fromLink = (url: string) =>
      url === 'https://scm.example.com/case/690000002' ? { vendor: 'cisco', id: '690000002' } : undefined;
    expect(findCaseReference('EQX 11150929 <https://scm.example.com/case/690000002>', fromLink)).toEqual({
      vendor: 'cisco',
      id: '690000002',
    });
  });
});
