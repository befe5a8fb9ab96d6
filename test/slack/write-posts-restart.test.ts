/**
 * A restart settling a pending open, over real HTTP: the first process opened the case at the vendor and died
 * before recording it or posting the card. The form submitted again (the same view) settles the write through
 * the vendor's reference, and the card is posted then, once; a further repeat posts nothing.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { vendorKey, writeKey } from '../../src/domain/idempotency.js';
import type { FakeMessage, FakeView } from '../../src/playground/fake-slack-api.js';
import { idempotencyTag } from '../../src/vendors/motadata/mapper.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { input } from '../support/slack-client.js';
import { blockText, type Harness, NOC, openedForm, startHarness } from '../support/slack-harness.js';

let h: Harness;
let clock: SkipAheadClock;
beforeEach(async () => {
  clock = new SkipAheadClock();
  h = await startHarness({ vendors: ['motadata'], clock });
});
afterEach(async () => {
  await h.stop();
});

const values = {
  subject: input.text('Core switch fan failure in DC2'),
  description: input.text('Fan tray 2 reports failure'),
  requesterEmail: input.email('alice@example.com'),
  impact: input.select('ONDEPARTMENT'),
  priority: input.select('HIGH'),
  urgency: input.select(null),
  tags: input.text('network'),
};

async function submit(view: FakeView, match: RegExp): Promise<string> {
  const from = h.fake.calls.length;
  expect((await h.slack.submitView(view, values)).status).toBe(200);
  const shown = await h.fake
    .waitForCall(
      'views.update',
      (c) =>
        c.args.view_id === view.id &&
        c.outcome === 'ok' &&
        h.fake.calls.indexOf(c) >= from &&
        match.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
      8000,
    )
    .catch((error: unknown) => {
      const shown = h.fake
        .callsTo('views.update')
        .map((c) => blockText((c.args.view as { blocks: unknown[] }).blocks));
      throw new Error(`${String(error)}\n${shown.join('\n---\n')}`);
    });
  return blockText((shown.args.view as { blocks: unknown[] }).blocks);
}

const cardsOf = (caseId: string) =>
  (
    h.fake.messages as Array<
      FakeMessage & { metadata?: { event_type?: string; event_payload?: { case_id?: string } } }
    >
  ).filter((m) => m.metadata?.event_type === 'caseops_card' && m.metadata.event_payload?.case_id === caseId);

it('a pending open settled after a restart posts the card once', async () => {
  const view = await openedForm(h, 'open motadata');
  const origin = { kind: 'view' as const, viewId: view.id, attempt: 0 };
  const reference = vendorKey('open', 'motadata', origin);
  // What the dead process left: a pending write, and the incident at Motadata tagged with caseops' key.
  await h.store.beginWrite({
    key: writeKey('open', 'motadata', origin),
    operation: 'open',
    vendor: 'motadata',
    vendorKey: reference,
  });
  const caseId = h.sims.motadata.seed({ tags: [idempotencyTag(reference)] });
  const creates = h.sims.motadata.requests.filter(
    (r) => r.method === 'POST' && r.path === '/api/v1/incident',
  ).length;
  clock.skip(10 * 60_000);

  const settled = await submit(view, /already submitted/);
  expect(settled).toContain(caseId);
  expect(settled).toContain(`Posted in <#${NOC}> and watched there`);
  expect(cardsOf(caseId)).toHaveLength(1);
  expect(
    h.sims.motadata.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/incident'),
  ).toHaveLength(creates);

  await submit(view, /already submitted/);
  expect(cardsOf(caseId)).toHaveLength(1);
});
