/**
 * The Details button over real HTTP: the modal opens at once and fills with every field the vendor returned;
 * pressed in a modal, it is stacked on top of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, blockText, type Harness, latestView, NOC, startHarness } from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendors: ['cisco', 'equinix'] });
});
afterAll(async () => {
  await h?.stop();
});

const ref = (vendor: string, id: string) => JSON.stringify({ v: vendor, id });

/** The text of ALICE's newest modal once it shows `expected` (it says "One moment…" until the vendor answers). */
async function detailsText(expected: string | RegExp): Promise<string> {
  return h.fake.waitFor(() => {
    const view = newestView();
    const text = view ? blockText(view.view.blocks) : '';
    const shown = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
    return shown ? text : undefined;
  }, `a modal showing ${expected}`);
}

function newestView() {
  try {
    return latestView(h.fake, ALICE);
  } catch {
    return undefined;
  }
}

describe('Details', () => {
  it('opens a modal with every Cisco field, including those the card has no room for', async () => {
    const id = h.sims.cisco.seed({
      contract_id: '91234567',
      serial_number: 'FOC2310X0AB',
      tracking_number: 'NOC-42',
      request_type: 'Diagnose and Fix',
      contact_name: 'Jo Operator',
      owner_name: 'Josh Engineer',
      owner_email: 'josh@cisco.example',
      rmas: ['88451234'],
      bugs: ['CSCvx12345'],
    });
    const before = h.fake.calls.length;
    await h.slack.pressOnMessage(
      { channel: NOC, ts: '1700000000.000100', ephemeral: true },
      { actionId: 'case.details', value: ref('cisco', id) },
    );
    const text = await detailsText('*Contract*');
    for (const shown of [
      '*Contract*\n91234567',
      '*Serial number*\nFOC2310X0AB',
      '*Tracking number*\nNOC-42',
      '*RMAs*\n88451234',
      '*Bugs*\nCSCvx12345',
      '*Cisco owner*\nJosh Engineer (josh@cisco.example)',
      '*Request type*\nDiagnose and Fix',
      '*Contact*\nJo Operator',
    ]) {
      expect(text).toContain(shown);
    }
    const methods = h.fake.calls.slice(before).map((c) => c.method);
    expect(methods).toContain('views.open');
    expect(methods).toContain('views.update');
  });

  it('tells the presser in the modal when the case cannot be read', async () => {
    await h.slack.pressOnMessage(
      { channel: NOC, ts: '1700000000.000200', ephemeral: true },
      { actionId: 'case.details', value: ref('cisco', '999999999') },
    );
    expect(await detailsText(/999999999/)).not.toContain('One moment');
  });

  it('pressed inside a modal, stacks the details on top of it', async () => {
    const id = h.sims.equinix.seed({ description: 'Details from a modal' });
    const before = h.fake.calls.length;
    const { viewId } = await openSomeModal();
    await h.slack.pressInView(
      { id: viewId, type: 'modal' },
      { actionId: 'case.details', value: ref('equinix', id) },
    );
    await h.fake.waitFor(
      () => (h.fake.calls.slice(before).some((c) => c.method === 'views.push') ? true : undefined),
      'views.push',
    );
    expect(await detailsText('Details from a modal')).toContain('*Status*');
  });
});

/** A modal for ALICE to press in: the one `/case open` shows (waited for, so no earlier modal stands in). */
async function openSomeModal(): Promise<{ viewId: string }> {
  const earlier = new Set(h.fake.views.keys());
  await h.slack.command('open', { channel: NOC });
  const view = await h.fake.waitFor(() => {
    try {
      const latest = latestView(h.fake, ALICE);
      return earlier.has(latest.id) ? undefined : latest;
    } catch {
      return undefined;
    }
  }, 'a modal');
  return { viewId: view.id };
}
