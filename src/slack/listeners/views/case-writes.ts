/**
 * The note and cancel forms were submitted. Validate within the 3 seconds, answer "Submitting…", write once
 * (keyed on the view and attempt), then show the case as it now stands and update its posted cards — or the
 * form again with the vendor's reason.
 */

import type { App, types } from '@slack/bolt';
import type { Case } from '../../../domain/case.js';
import type { WriteOutcome } from '../../../domain/use-cases/write-once.js';
import { pluginFor, vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn, fitModal } from '../../blocks/limits.js';
import {
  CANCEL_CALLBACK_ID,
  type CaseModalMetadata,
  cancelModal,
  caseResultModal,
  messageModal,
  NOTE_CALLBACK_ID,
  NOTE_MAX_CHARS,
  noteModal,
  REASON_MAX_CHARS,
  submittingModal,
} from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import { stateChoice, stateText, type ViewStateValues } from '../../blocks/open-form-reader.js';
import { capabilitiesOf, refreshPostedCards } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { handlingOutcome } from '../../metrics.js';
import { readCaseMetadata } from '../../payloads.js';
import { describeError, writeInProgressText } from '../../words.js';
import { showInModal } from './surface.js';

function textValue(state: ViewStateValues, blockId: string): string {
  return stateText(state, blockId)?.trim() ?? '';
}

function selectValue(state: ViewStateValues, blockId: string): string | undefined {
  return stateChoice(state, blockId);
}

interface WriteForm {
  callbackId: string;
  field: 'note' | 'reason';
  max: number;
  title: string;
  done: (name: string) => string;
  /** The case as it stands after the write; undefined when the write is done but a fresh look failed. */
  write(
    deps: SlackDeps,
    meta: CaseModalMetadata,
    state: ViewStateValues,
    actor: Actor,
    viewId: string,
  ): Promise<WriteOutcome<Case | undefined>>;
  again(meta: CaseModalMetadata, state: ViewStateValues, text: string): types.ModalView;
}

interface Actor {
  userId: string;
  channelId?: string;
  teamId?: string;
}

const noteForm: WriteForm = {
  callbackId: NOTE_CALLBACK_ID,
  field: 'note',
  max: NOTE_MAX_CHARS,
  title: 'Add note',
  done: (name) => `:memo: Note added to ${name}.`,
  async write(deps, meta, state, actor, viewId) {
    const visibility = selectValue(state, 'visibility') as 'INTERNAL' | 'EXTERNAL' | undefined;
    const outcome = await deps.cases.annotate(
      actor,
      meta.vendor,
      meta.id,
      { text: textValue(state, 'note'), ...(visibility ? { visibility } : {}) },
      { kind: 'view', viewId, attempt: meta.attempt },
    );
    if (outcome.kind === 'in-progress') return outcome;
    try {
      return { ...outcome, value: await deps.cases.lookup(actor, meta.vendor, meta.id) };
    } catch (error) {
      deps.logger.warn({ err: error }, 'note added; the fresh look at the case failed');
      return { ...outcome, value: undefined };
    }
  },
  again: (meta, state, text) =>
    noteModal({
      metadata: { ...meta, attempt: meta.attempt + 1 },
      initial: textValue(state, 'note'),
      visibility: selectValue(state, 'visibility'),
      withVisibility: pluginFor(meta.vendor)?.noteVisibility === true,
      notice: text,
    }),
};

const cancelForm: WriteForm = {
  callbackId: CANCEL_CALLBACK_ID,
  field: 'reason',
  max: REASON_MAX_CHARS,
  title: 'Cancel case',
  done: (name) => `:no_entry_sign: Cancelled ${name}.`,
  write: (deps, meta, state, actor, viewId) =>
    deps.cases.cancel(actor, meta.vendor, meta.id, textValue(state, 'reason'), {
      kind: 'view',
      viewId,
      attempt: meta.attempt,
    }),
  again: (meta, state, text) =>
    cancelModal({
      metadata: { ...meta, attempt: meta.attempt + 1 },
      reason: textValue(state, 'reason'),
      notice: text,
    }),
};

function registerForm(app: App, deps: SlackDeps, form: WriteForm): void {
  app.view(form.callbackId, async ({ ack, body, view }) => {
    let meta: CaseModalMetadata;
    try {
      meta = readCaseMetadata(view.private_metadata);
    } catch (error) {
      await ack({
        response_action: 'update',
        view: fitModal(messageModal(form.title, describeError(error).text)),
      });
      return;
    }
    const state = (view.state?.values ?? {}) as ViewStateValues;
    const text = textValue(state, form.field);
    const problem = !text
      ? `Write a ${form.field} first.`
      : text.length > form.max
        ? `At most ${form.max} characters.`
        : undefined;
    if (problem) {
      await ack({ response_action: 'errors', errors: { [form.field]: problem } });
      deps.metrics?.interactionHandled(form.callbackId, 'invalid');
      return;
    }
    await ack({ response_action: 'update', view: fitModal(submittingModal(form.title, meta.vendor)) });

    const userId = body.user.id;
    const actor = { userId, channelId: meta.channel, teamId: body.team?.id };
    const where = { viewId: view.id, userId, channelId: meta.channel };
    const name = `${vendorName(meta.vendor)} case \`${escapeMrkdwn(meta.id)}\``;
    let outcome: WriteOutcome<Case | undefined>;
    try {
      outcome = await form.write(deps, meta, state, actor, view.id);
    } catch (error) {
      deps.metrics?.interactionHandled(form.callbackId, handlingOutcome(error));
      const words = describeError(error, deps.logger);
      // Offered again only when editing it can change the answer (the error's own flag).
      const modal = words.resubmittable
        ? form.again(meta, state, `:x: ${words.text}\nFix it if needed and submit again.`)
        : messageModal(form.title, words.text);
      await showInModal(deps, where, modal, notice(`${form.title} on ${name} failed: ${words.text}`));
      return;
    }
    if (outcome.kind === 'in-progress') {
      // A double-click, or a first submit whose process died: say what is known and what is safe.
      const text = writeInProgressText(meta.vendor, outcome.settleableInMs);
      await showInModal(deps, where, messageModal(form.title, text), notice(text));
      return;
    }
    deps.metrics?.interactionHandled(form.callbackId, 'ok');
    const c = outcome.value;
    const headline = outcome.repeated
      ? `This form was already submitted and done for ${name}; nothing was sent twice.`
      : form.done(name);
    const modal = c
      ? caseResultModal(form.title, headline, c, capabilitiesOf(deps, c.vendor))
      : messageModal(form.title, headline);
    await showInModal(deps, where, modal, notice(headline));
    if (c && !outcome.repeated) await refreshPostedCards(deps, c, actor);
  });
}

export function register(app: App, deps: SlackDeps): void {
  registerForm(app, deps, noteForm);
  registerForm(app, deps, cancelForm);
}
