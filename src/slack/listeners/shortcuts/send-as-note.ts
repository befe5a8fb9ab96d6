/**
 * Message shortcut "Send to vendor as note": a message becomes a note on a vendor case. In a case card's
 * thread the case is the card's; elsewhere the form asks for it, pre-filled from a case the message names.
 * The modal opens on the trigger at once (a loading view), and is filled in once the case, the people
 * mentioned and the permalink are known. The write is keyed on the message (channel + ts), so a message is
 * sent once however many times, and by whomever, the form is submitted. A vendor whose API takes no notes is
 * refused with its reason instead of a form.
 */
import type { App, MessageShortcut } from '@slack/bolt';
import * as z from 'zod';
import type { VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { writeKey } from '../../../domain/idempotency.js';
import { pluginFor, vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn, fitModal } from '../../blocks/limits.js';
import { loadingModal, messageModal, NOTE_MAX_CHARS, submittingModal } from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import { stateChoice, stateText } from '../../blocks/open-form-reader.js';
import { SEND_NOTE_CALLBACK_ID, type SendNoteMetadata, sendNoteModal } from '../../blocks/send-note.js';
import { notifyUser } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { handlingOutcome } from '../../metrics.js';
import { refuseEarly } from '../../policy.js';
import { describeError, SENT_AS_NOTE_REACTION, SEND_AS_NOTE_WORDS as W } from '../../words.js';
import { NOTE_SENT_EVENT_TYPE, slackWritePost } from '../../write-posts.js';
import { showInModal } from '../views/surface.js';
import { findCaseReference, messageAsPlainText } from './message-text.js';

export const SEND_AS_NOTE_SHORTCUT = 'send_as_note';

const slackId = z.string().regex(/^[A-Z0-9]{2,30}$/);
const slackTs = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const SendNoteMeta = z.object({
  kind: z.literal('send-note'),
  channel: slackId,
  ts: slackTs,
  thread: slackTs,
  vendor: z
    .string()
    .refine((id) => pluginFor(id) !== undefined)
    .optional(),
  id: z.string().min(1).max(100).optional(),
});

function readMetadata(text: string | undefined): SendNoteMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    raw = undefined;
  }
  const parsed = SendNoteMeta.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError('This form is out of date. Start again.');
  return parsed.data;
}

/** The vendors configured here whose API takes notes. */
function noteVendors(deps: SlackDeps): VendorId[] {
  return deps.cases
    .enabledVendors()
    .filter((a) => a.capabilities.has('annotate'))
    .map((a) => a.vendor);
}

/** The case the message belongs to: its thread's card, else one it names (of a configured vendor). */
async function caseOfMessage(
  deps: SlackDeps,
  channelId: string,
  messageTs: string,
  threadTs: string | undefined,
  text: string,
): Promise<{ vendor: VendorId; id: string; fromCard: boolean } | undefined> {
  // A reply's thread root, or the message itself (the shortcut run on a card).
  const card = await deps.cards.cardAt(channelId, threadTs ?? messageTs);
  if (card) return { vendor: card.vendor, id: card.caseId, fromCard: true };
  const named = findCaseReference(text, (url) => deps.cases.caseFromLink(url));
  if (!named || !deps.cases.enabledVendors().some((a) => a.vendor === named.vendor)) return undefined;
  return { ...named, fromCard: false };
}

async function buildForm(deps: SlackDeps, shortcut: MessageShortcut) {
  const channelId = shortcut.channel.id;
  const messageTs = shortcut.message.ts ?? shortcut.message_ts;
  const threadTs = (shortcut.message as { thread_ts?: string }).thread_ts;
  const raw = shortcut.message.text ?? '';
  const target = await caseOfMessage(deps, channelId, messageTs, threadTs, raw);
  if (target) {
    // Says the vendor's own reason when its API takes no notes, before any form.
    deps.cases.adapterFor(target.vendor, 'annotate');
    await refuseEarly(deps, 'annotate', { vendor: target.vendor, userId: shortcut.user.id, channelId });
  }
  const vendors = noteVendors(deps);
  if (vendors.length === 0) throw new InvalidInputError(W.noVendors);
  const [text, permalink] = await Promise.all([
    messageAsPlainText(raw, async (id) => {
      const user = await deps.slack.userOrUndefined(id);
      return user?.realName ?? user?.name;
    }),
    deps.slack.permalink(channelId, messageTs),
  ]);
  const note = [text, permalink ? W.backLink(permalink) : undefined].filter(Boolean).join('\n\n');
  const metadata: SendNoteMetadata = {
    kind: 'send-note',
    channel: channelId,
    ts: messageTs,
    thread: threadTs ?? messageTs,
    ...(target?.fromCard ? { vendor: target.vendor, id: target.id } : {}),
  };
  const asked = target?.fromCard ? [target.vendor] : vendors;
  return sendNoteModal({
    metadata,
    note: note.slice(0, NOTE_MAX_CHARS),
    vendors,
    suggested: target && !target.fromCard ? target : undefined,
    withVisibility: asked.some((v) => pluginFor(v)?.noteVisibility === true),
  });
}

function registerShortcut(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(SEND_AS_NOTE_SHORTCUT, async ({ ack, shortcut, respond }) => {
    await ack();
    let viewId: string;
    try {
      ({ viewId } = await deps.slack.openView(shortcut.trigger_id, loadingModal(W.title)));
    } catch (error) {
      deps.metrics?.interactionHandled(SEND_AS_NOTE_SHORTCUT, handlingOutcome(error));
      const message = notice(describeError(error, deps.logger).text);
      try {
        await respond({ response_type: 'ephemeral', ...message });
      } catch {
        await notifyUser(deps, shortcut.user.id, shortcut.channel.id, message);
      }
      return;
    }
    let view: ReturnType<typeof sendNoteModal>;
    try {
      view = await buildForm(deps, shortcut);
      deps.metrics?.interactionHandled(SEND_AS_NOTE_SHORTCUT, 'ok');
    } catch (error) {
      deps.metrics?.interactionHandled(SEND_AS_NOTE_SHORTCUT, handlingOutcome(error));
      view = messageModal(W.title, describeError(error, deps.logger).text);
    }
    const where = { viewId, userId: shortcut.user.id, channelId: shortcut.channel.id };
    await showInModal(deps, where, fitModal(view), notice(W.title));
  });
}

/**
 * After a note is sent: say so in the thread and mark the message, each best-effort. The thread reply is
 * tagged with the write's key and posted once per write (see WritePosts): a second submission of the same
 * message, or a retry after a lost answer, finds the first reply instead of posting another.
 */
async function confirmInThread(
  deps: SlackDeps,
  meta: SendNoteMetadata,
  vendor: VendorId,
  caseId: string,
  userId: string,
  repeated: boolean,
) {
  const text = W.threadReply(vendorName(vendor), userId);
  const tag = {
    eventType: NOTE_SENT_EVENT_TYPE,
    writeKey: writeKey('annotate', vendor, { kind: 'message', channelId: meta.channel, ts: meta.ts }),
    vendor,
    caseId,
    channelId: meta.channel,
    threadTs: meta.thread,
  };
  const reply = async () => {
    if (await deps.writePosts.postedTs(tag)) return;
    const posted = await deps.writePosts.postOnce(tag, slackWritePost(deps.slack, { text, blocks: [] }));
    if (posted.kind === 'refused') throw posted.error;
  };
  await Promise.all([
    reply().catch((error: unknown) => deps.logger.warn({ err: error }, 'note sent; the thread reply failed')),
    // A reaction is harmless to repeat, but a repeat has nothing new to mark.
    repeated
      ? undefined
      : deps.slack
          .addReaction(meta.channel, meta.ts, SENT_AS_NOTE_REACTION)
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'note sent; the reaction failed')),
  ]);
}

function registerSubmission(app: App, deps: SlackDeps): void {
  app.view(SEND_NOTE_CALLBACK_ID, async ({ ack, body, view }) => {
    let meta: SendNoteMetadata;
    try {
      meta = readMetadata(view.private_metadata);
    } catch (error) {
      await ack({
        response_action: 'update',
        view: fitModal(messageModal(W.title, describeError(error).text)),
      });
      return;
    }
    const state = view.state?.values ?? {};
    const note = stateText(state, 'note')?.trim() ?? '';
    const vendor = meta.vendor ?? stateChoice(state, 'vendor');
    const rawId = meta.id ?? stateText(state, 'case_id')?.trim() ?? '';
    const errors: Record<string, string> = {};
    if (!note) errors.note = 'Write a note first.';
    else if (note.length > NOTE_MAX_CHARS) errors.note = `At most ${NOTE_MAX_CHARS} characters.`;
    let id = rawId;
    if (!vendor) errors.vendor = W.pickVendor;
    else if (!meta.id) {
      try {
        id = deps.cases.adapterFor(vendor, 'annotate').parseCaseId(rawId);
      } catch (error) {
        errors.case_id = describeError(error).text;
      }
    }
    if (Object.keys(errors).length > 0 || !vendor) {
      await ack({ response_action: 'errors', errors });
      deps.metrics?.interactionHandled(SEND_NOTE_CALLBACK_ID, 'invalid');
      return;
    }
    await ack({ response_action: 'update', view: fitModal(submittingModal(W.title, vendor)) });

    const userId = body.user.id;
    const actor = { userId, channelId: meta.channel, teamId: body.team?.id };
    const where = { viewId: view.id, userId, channelId: meta.channel };
    const visibility =
      pluginFor(vendor)?.noteVisibility === true
        ? (stateChoice(state, 'visibility') as 'INTERNAL' | 'EXTERNAL' | undefined)
        : undefined;
    const name = vendorName(vendor);
    try {
      const outcome = await deps.cases.annotate(
        actor,
        vendor,
        id,
        { text: note, ...(visibility ? { visibility } : {}) },
        { kind: 'message', channelId: meta.channel, ts: meta.ts },
      );
      if (outcome.kind === 'in-progress') {
        await showInModal(deps, where, messageModal(W.title, W.inProgress(name)), notice(W.inProgress(name)));
        return;
      }
      deps.metrics?.interactionHandled(SEND_NOTE_CALLBACK_ID, 'ok');
      const caseId = escapeMrkdwn(outcome.value.caseId);
      const headline = outcome.repeated ? W.alreadySent(name, caseId) : W.sent(name, caseId);
      await showInModal(deps, where, messageModal(W.title, headline), notice(headline));
      // A repeat too: the first attempt's reply may never have reached the thread.
      await confirmInThread(deps, meta, vendor, outcome.value.caseId, userId, outcome.repeated);
    } catch (error) {
      deps.metrics?.interactionHandled(SEND_NOTE_CALLBACK_ID, handlingOutcome(error));
      const words = describeError(error, deps.logger);
      await showInModal(deps, where, messageModal(W.title, words.text), notice(words.text));
    }
  });
}

export function register(app: App, deps: SlackDeps): void {
  registerShortcut(app, deps);
  registerSubmission(app, deps);
}
