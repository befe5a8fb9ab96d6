/**
 * The vendor fault matrix over the real app, for writes (the polls are in vendor-polls.faults.ts) (signed HTTP to the Bolt receiver, the real store, the real
 * adapters against the simulators): every vendor fault during opens, notes and cancels. In each cell:
 * - the person is told, in plain words, what happened (the vendor's reason; never the generic failure);
 * - what they were told is true at the vendor: "done" means the vendor holds it exactly once, "nothing"
 *   means it holds nothing, "uncertain" means at most once;
 * - the store agrees (the write record's state, an audit line);
 * - the same submit delivered again (a double click, a Slack retry) sends nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKey } from '../../src/domain/idempotency.js';
import type { FakeView } from '../../src/playground/fake-slack-api.js';
import { input } from '../support/slack-client.js';
import { blockText, type Harness, openedForm } from '../support/slack-harness.js';
import {
  classify,
  FAULT_WORDS,
  FaultMatrix,
  openFormValues,
  type Told,
  VENDOR_FAULTS,
  type VendorFault,
} from './support.js';

// Short vendor timeouts keep the timeout cells quick (a write is sent once, so it meets one timeout), with
// room for a loaded CI machine: a healthy answer must never be taken for one.
const matrix = new FaultMatrix({ vendorTimeoutMs: 1000 });
beforeAll(() => matrix.start(), 60_000);
afterAll(() => matrix.stop());
let cell = 0;

/** Submits `values` on `view` and waits for the answer that follows "Sending to …" on that modal. */
async function submitAndRead(view: FakeView | string, values: Parameters<Harness['slack']['submitView']>[1]) {
  const { h } = matrix;
  const id = typeof view === 'string' ? view : view.id;
  const from = h.fake.calls.length;
  const sent = await h.slack.submitView(view, values);
  expect(sent.status).toBe(200);
  const update = await h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === id &&
      c.outcome === 'ok' &&
      h.fake.calls.indexOf(c) >= from &&
      !/Sending to/.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    15_000,
  );
  return {
    text: blockText((update.args.view as { blocks: unknown[] }).blocks),
    callbackId: (update.args.view as { callback_id?: string }).callback_id,
  };
}

const WRITE_STATE: Record<Told, string> = { done: 'succeeded', nothing: 'failed', uncertain: 'unknown' };
const AUDIT_OUTCOME: Record<Told, string> = { done: 'ok', nothing: 'error', uncertain: 'unknown' };

/** Each vendor's create, and only it (Motadata's search is a POST under the same path). */
const OPEN_PATHS: Record<'equinix' | 'juniper' | 'motadata', RegExp> = {
  equinix: /\/support\/v2\/tickets$/,
  juniper: /\/submitCase$/,
  motadata: /^\/api\/v1\/incident$/,
};

describe.each(['equinix', 'juniper', 'motadata'] as const)('open a %s case', (vendor) => {
  it.each(VENDOR_FAULTS)('during %s: told the truth, one case at most, nothing twice', (fault) =>
    matrix.cell(fault, () => openCell(vendor, fault)),
  );
});

async function openCell(vendor: 'equinix' | 'juniper' | 'motadata', fault: VendorFault): Promise<void> {
  const { h } = matrix;
  const tag = `matrix-${vendor}-${fault}-${++cell}`;
  const incidentId = vendor === 'juniper' ? h.sims.juniper.seed() : '';
  const trackingNumber = `CO-FAULT-${cell}-${Date.now().toString(36).toUpperCase()}`;
  const values = openFormValues(vendor, { tag, juniper: { incidentId, trackingNumber } });
  const sim = h.sims[vendor];
  const before = sim.cases().length;
  // Cases this cell's form made at the vendor.
  const created = () =>
    vendor === 'juniper'
      ? h.sims.juniper.cases().filter((c) => c.id === trackingNumber).length
      : sim.cases().length - before;
  const since = new Date().toISOString();

  const view = await openedForm(h, `open ${vendor}`);
  const restore = matrix.inject(vendor, fault, { pathMatches: OPEN_PATHS[vendor], method: 'POST' });
  const first = await submitAndRead(view, values);
  restore();

  const told = classify(first.text);
  expect(first.text).toMatch(FAULT_WORDS[fault]);
  expectHeld(told, created());
  const record = await h.store.getWrite(
    writeKey('open', vendor, { kind: 'view', viewId: view.id, attempt: 0 }),
  );
  expect(record?.state).toBe(WRITE_STATE[told]);
  expect(await h.store.auditSince(since)).toContainEqual(
    expect.objectContaining({ action: 'open', vendor, outcome: AUDIT_OUTCOME[told] }),
  );

  // The same submit delivered again: answered, and nothing new at the vendor.
  const heldBefore = created();
  const again = await submitAndRead(view, values);
  classify(again.text);
  expect(created()).toBe(heldBefore);

  // Told nothing happened and handed the form back: once the vendor is well, the same form opens exactly one
  // case. (Equinix credentials are not asked for again for 5 minutes after a refusal, so that cell stops here.)
  if (
    told === 'nothing' &&
    first.callbackId === 'open_case' &&
    !(fault === 'token' && vendor === 'equinix')
  ) {
    const retried = await submitAndRead(view.id, values);
    expect(classify(retried.text), retried.text).toBe('done');
    expect(created()).toBe(1);
  }
}

/** What the vendor holds of one attempt, against what the person was told. */
function expectHeld(told: Told, held: number): void {
  if (told === 'done') expect(held).toBe(1);
  else if (told === 'nothing') expect(held).toBe(0);
  else expect(held).toBeLessThanOrEqual(1);
}

describe('add a note to an Equinix case', () => {
  it.each(VENDOR_FAULTS)('during %s: told the truth, the note held at most once, never twice', (fault) =>
    matrix.cell(fault, () => noteCell(fault)),
  );
});

async function noteCell(fault: VendorFault): Promise<void> {
  const { h } = matrix;
  const id = h.sims.equinix.seed();
  const text = `Fibre cut confirmed, ETR 06:00 (${fault}, cell ${++cell})`;
  const held = () => h.sims.equinix.find(id)?.notes.filter((n) => n.text === text).length ?? 0;
  const values = { note: input.text(text), visibility: input.select('EXTERNAL') };

  const view = await openedForm(h, `note eqx ${id}`, 'add_note');
  const restore = matrix.inject('equinix', fault, { pathIncludes: '/notes', method: 'POST' });
  const first = await submitAndRead(view, values);
  restore();

  const told = classify(first.text);
  expect(first.text).toMatch(FAULT_WORDS[fault]);
  expectHeld(told, held());
  const record = await h.store.getWrite(
    writeKey('annotate', 'equinix', { kind: 'view', viewId: view.id, attempt: 0 }),
  );
  expect(record?.state).toBe(WRITE_STATE[told]);

  const heldBefore = held();
  classify((await submitAndRead(view, values)).text);
  expect(held()).toBe(heldBefore);
}

const CANCELLED: Record<'equinix' | 'motadata', string> = { equinix: 'CANCELLED', motadata: 'Closed' };

describe.each(['equinix', 'motadata'] as const)('cancel a %s case', (vendor) => {
  it.each(VENDOR_FAULTS)('during %s: told the truth about whether it is cancelled, never twice', (fault) =>
    matrix.cell(fault, () => cancelCell(vendor, fault)),
  );
});

async function cancelCell(vendor: 'equinix' | 'motadata', fault: VendorFault): Promise<void> {
  const { h } = matrix;
  const sim = h.sims[vendor];
  const id = sim.seed();
  const cancelled = () => (sim.cases().find((c) => c.id === id)?.status === CANCELLED[vendor] ? 1 : 0);
  const writes = () =>
    sim.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (vendor === 'equinix' ? r.path.endsWith(`/${id}/cancel`) : r.path.endsWith(`/${id}`)),
    ).length;
  const values = { reason: input.text(`Opened by mistake (${fault})`) };
  const path = vendor === 'equinix' ? `/${id}/cancel` : `/api/v1/incident/${id}`;

  const view = await openedForm(h, `cancel ${vendor} ${id}`, 'cancel_case');
  const restore = matrix.inject(vendor, fault, { pathIncludes: path, method: 'POST' });
  const first = await submitAndRead(view, values);
  restore();

  const told = classify(first.text);
  expect(first.text).toMatch(FAULT_WORDS[fault]);
  expectHeld(told, cancelled());
  const record = await h.store.getWrite(
    writeKey('cancel', vendor, { kind: 'view', viewId: view.id, attempt: 0 }),
  );
  expect(record?.state).toBe(WRITE_STATE[told]);

  const sent = writes();
  classify((await submitAndRead(view, values)).text);
  expect(writes()).toBe(sent);
}

describe('add a note with one command (/case note eqx <id> <text>)', () => {
  it.each(VENDOR_FAULTS)(
    'during %s: told the truth in the reply, a repeated delivery adds nothing',
    (fault) => matrix.cell(fault, () => noteCommandCell(fault)),
  );
});

async function noteCommandCell(fault: VendorFault): Promise<void> {
  const { h } = matrix;
  const id = h.sims.equinix.seed();
  const text = `Carrier on site (${fault}, cell ${++cell})`;
  const held = () => h.sims.equinix.find(id)?.notes.filter((n) => n.text === text).length ?? 0;
  const send = async (triggerId?: string) => {
    const sent = await h.slack.command(`note eqx ${id} ${text}`, { triggerId });
    const answer = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1), 15_000);
    return {
      triggerId: sent.triggerId,
      text: `${String(answer.body.text ?? '')}\n${blockText(answer.body.blocks ?? [])}`,
    };
  };

  const restore = matrix.inject('equinix', fault, { pathIncludes: '/notes', method: 'POST' });
  const first = await send();
  restore();
  const told = classify(first.text);
  expect(first.text).toMatch(FAULT_WORDS[fault]);
  expectHeld(told, held());

  // Slack delivering the same command again (same trigger id): answered, nothing new at Equinix.
  const heldBefore = held();
  classify((await send(first.triggerId)).text);
  expect(held()).toBe(heldBefore);
}
