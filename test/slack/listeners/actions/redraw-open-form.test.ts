/**
 * The open form redraws when a field others depend on changes (a plugin's `shownWhen`), over real HTTP: the
 * Equinix ticket code shows the document-details fields only for the codes that take details, and what is
 * then submitted reaches the vendor simulator in the document's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeView } from '../../../../src/playground/fake-slack-api.js';
import { input, type StateValue } from '../../../support/slack-client.js';
import {
  ALICE,
  BOB,
  blockText,
  type Harness,
  openedForm,
  startHarness,
} from '../../../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const DETAIL_BLOCKS = ['transactionIds', 'documentType', 'documentFormats'];
const blockIds = (view: FakeView) =>
  ((view.view.blocks ?? []) as Array<{ block_id?: string }>).flatMap((b) => (b.block_id ? [b.block_id] : []));
const viewUpdatesOf = (id: string) =>
  h.fake.calls.filter((c) => c.method === 'views.update' && c.args.view_id === id && c.outcome === 'ok')
    .length;

function values(code: string, over: Record<string, StateValue> = {}): Record<string, StateValue> {
  return {
    code: input.text(code),
    description: input.text('Please send the detailed invoice documents for last month'),
    primaryId: input.text('ACC-182389736'),
    secondaryId: input.text(null),
    occurredAt: input.datetime(null),
    notificationContacts: input.users([ALICE]),
    technicalContacts: input.users([]),
    ...over,
  };
}

/** What Slack sends when the person types into the code field of the form as it is now. */
async function typeCode(id: string, code: string) {
  const current = h.fake.views.get(id)!;
  const state: Record<string, Record<string, StateValue>> = {};
  for (const [blockId, value] of Object.entries(values(code))) state[blockId] = { value };
  const sent = await h.slack.interactive({
    type: 'block_actions',
    team: { id: 'T0CASEOPS', domain: 'caseops' },
    user: { id: ALICE, username: 'alice', name: 'alice', team_id: 'T0CASEOPS' },
    api_app_id: 'ACASEOPS',
    token: 'legacy-verification-token',
    container: { type: 'view', view_id: id },
    trigger_id: h.fake.issueTriggerId(ALICE),
    view: { ...current.view, id, hash: current.hash, state: { values: state } },
    actions: [
      { type: 'plain_text_input', action_id: 'value', block_id: 'code', value: code, action_ts: '1.0' },
    ],
  });
  expect(sent.status).toBe(200);
}

async function waitForBlocks(id: string, present: boolean) {
  return h.fake.waitFor(
    () => {
      const view = h.fake.views.get(id);
      return view && DETAIL_BLOCKS.every((b) => blockIds(view).includes(b) === present) ? view : undefined;
    },
    `the form ${present ? 'with' : 'without'} document details`,
  );
}

describe('the open form redraws for the field others depend on', () => {
  it('Equinix: document details appear for a code that takes them, go for one that does not, and reach Equinix', async () => {
    const form = await openedForm(h, 'open eqx');
    expect(blockIds(form)).not.toContain('transactionIds');
    expect(blockIds(form)).toContain('technicalContacts');
    const codeBlock = (form.view.blocks as Array<{ block_id?: string; dispatch_action?: boolean }>).find(
      (b) => b.block_id === 'code',
    );
    expect(codeBlock?.dispatch_action).toBe(true);

    await typeCode(form.id, '0302-0400');
    const withDetails = await waitForBlocks(form.id, true);
    expect(blockText(withDetails.view.blocks)).toContain('Transaction ids');
    // Values typed so far are kept in the redrawn form.
    expect(JSON.stringify(withDetails.view.blocks)).toContain('ACC-182389736');

    // A change that shows and hides nothing does not redraw.
    const updates = viewUpdatesOf(form.id);
    await typeCode(form.id, '0302-0400 ');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(viewUpdatesOf(form.id)).toBe(updates);

    await typeCode(form.id, '0100-0200');
    await waitForBlocks(form.id, false);
    await typeCode(form.id, '0306-0300');
    await waitForBlocks(form.id, true);

    const creates = () =>
      h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets');
    const before = creates().length;
    const sent = await h.slack.submitView(
      form.id,
      values('0306-0300', {
        technicalContacts: input.users([BOB]),
        transactionIds: input.text('1234567890, 1234567891'),
        documentType: input.text('DETAILED'),
        documentFormats: input.text('XLS, PDF'),
      }),
    );
    expect(sent.status).toBe(200);
    await h.fake.waitFor(() => (creates().length > before ? true : undefined), 'the Equinix create');
    const body = JSON.parse(creates().at(-1)!.body) as Record<string, unknown>;
    expect(body.details).toEqual({
      documents: { transactionIds: ['1234567890', '1234567891'], type: 'DETAILED', formats: ['XLS', 'PDF'] },
    });
    expect(body.contacts).toEqual([
      expect.objectContaining({
        type: 'NOTIFICATION',
        details: [{ type: 'EMAIL', value: 'alice@example.com' }],
      }),
      expect.objectContaining({ type: 'TECHNICAL', details: [{ type: 'EMAIL', value: 'bob@example.com' }] }),
    ]);
  });

  it('details left in Slack’s state for a code that takes none are not sent', async () => {
    const form = await openedForm(h, 'open eqx');
    const creates = () =>
      h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets');
    const before = creates().length;
    await h.slack.submitView(form.id, values('0100-0200', { transactionIds: input.text('999') }));
    await h.fake.waitFor(() => (creates().length > before ? true : undefined), 'the Equinix create');
    expect(JSON.parse(creates().at(-1)!.body)).not.toHaveProperty('details');
  });
});
