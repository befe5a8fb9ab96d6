/**
 * The "open a case" form was submitted. Within the 3 seconds: read and validate the fields (errors go back on
 * their fields) and ask the policy (a severity cap goes back on the severity field, any other refusal replaces
 * the form). Then "Submitting…", the vendor call, and the result — or the form again, values kept, with the
 * vendor's reason. Opened from a channel, the case is watched and posted there.
 */

import type { App } from '@slack/bolt';
import type { Actor } from '../../../domain/actions.js';
import { writeKey } from '../../../domain/idempotency.js';
import type { OpenRequest } from '../../../domain/open-request.js';
import type { OpenedCase } from '../../../domain/use-cases/case-service.js';
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn, fitModal } from '../../blocks/limits.js';
import { caseResultModal, messageModal, submittingModal } from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import {
  buildOpenModal,
  type FormValues,
  OPEN_CALLBACK_ID,
  type OpenModalMetadata,
  type OpenVendor,
  openFormFields,
  openFormOf,
  openModalTitle,
} from '../../blocks/open-form.js';
import { type ContactPerson, checkOpenForm, readFormValues } from '../../blocks/open-form-reader.js';
import { capabilitiesOf, renderChannelCard } from '../../cards.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { handlingOutcome } from '../../metrics.js';
import { readOpenMetadata } from '../../payloads.js';
import { earlyOpenDenial } from '../../policy.js';
import { denialText, describeError, writeInProgressText } from '../../words.js';
import { CARD_EVENT_TYPE, slackWritePost } from '../../write-posts.js';
import { showInModal } from './surface.js';

/** The form's own problems (our wording, which may mention users) as one line above the form. */
function errorsAsNotice(errors: Record<string, string>): string {
  return `:x: ${Object.values(errors).join(' ')}`;
}

/** The form's people fields (Equinix contacts), if it has any: looked up after the ack. */
function peopleFields(vendor: OpenVendor): string[] {
  return openFormFields(vendor)
    .filter((field) => field.kind === 'users')
    .map((field) => field.key);
}

/** The chosen people's names and e-mails, from Slack. */
async function resolveContacts(deps: SlackDeps, values: FormValues, field: string): Promise<ContactPerson[]> {
  const chosen = values[field];
  const ids = Array.isArray(chosen) ? chosen : [];
  return Promise.all(
    ids.map(async (userId) => {
      const user = await deps.slack.userOrUndefined(userId);
      return { userId, firstName: user?.firstName, lastName: user?.lastName, email: user?.email };
    }),
  );
}

export function register(app: App, deps: SlackDeps): void {
  app.view(OPEN_CALLBACK_ID, async ({ ack, body, view }) => {
    let metadata: OpenModalMetadata;
    try {
      metadata = readOpenMetadata(view.private_metadata);
    } catch (error) {
      await ack({
        response_action: 'update',
        view: fitModal(messageModal('caseops', describeError(error).text)),
      });
      return;
    }
    // `state` is read defensively: a missing or malformed one reads as an empty form.
    const values = readFormValues(metadata.vendor, view.state?.values);
    const check = checkOpenForm(metadata.vendor, values, { now: deps.now() });
    if (!check.ok) {
      await ack({ response_action: 'errors', errors: check.errors });
      deps.metrics?.interactionHandled(OPEN_CALLBACK_ID, 'invalid');
      return;
    }
    const title = openModalTitle(metadata.vendor);
    const userId = body.user.id;
    // The policy's answer while the ack can still carry it: a severity cap goes on the severity field.
    const denied = await earlyOpenDenial(deps, {
      vendor: metadata.vendor,
      userId,
      channelId: metadata.channel,
      severity: openFormOf(metadata.vendor).severity(check.request),
    });
    if (denied) {
      deps.metrics?.interactionHandled(OPEN_CALLBACK_ID, 'denied');
      const severityField = openFormOf(metadata.vendor).severityField;
      if (denied.bySeverity && severityField) {
        // Field errors are plain text: the plain wording names groups and people by id.
        await ack({
          response_action: 'errors',
          errors: { [severityField]: denialText(denied.decision.denial, 'plain') },
        });
      } else {
        await ack({
          response_action: 'update',
          view: fitModal(messageModal(title, `:no_entry: ${denialText(denied.decision.denial, 'mrkdwn')}`)),
        });
      }
      return;
    }
    await ack({ response_action: 'update', view: fitModal(submittingModal(title, metadata.vendor)) });

    const where = { viewId: view.id, userId, channelId: metadata.channel };
    const formAgain = (text: string, attempt: number) =>
      buildOpenModal({ vendor: metadata.vendor, values, metadata: { ...metadata, attempt }, notice: text });

    let request: OpenRequest = check.request;
    const people = peopleFields(metadata.vendor);
    if (people.length > 0) {
      const contacts: Record<string, ContactPerson[]> = {};
      for (const field of people) contacts[field] = await resolveContacts(deps, values, field);
      const withContacts = checkOpenForm(metadata.vendor, values, { now: deps.now(), contacts });
      if (!withContacts.ok) {
        // Nothing was sent: the same attempt may be submitted again once fixed.
        const text = errorsAsNotice(withContacts.errors);
        deps.metrics?.interactionHandled(OPEN_CALLBACK_ID, 'invalid');
        await showInModal(deps, where, formAgain(text, metadata.attempt), notice(text));
        return;
      }
      request = withContacts.request;
    }

    const actor = { userId, channelId: metadata.channel, teamId: body.team?.id };
    let opened: OpenedCase;
    let repeated: boolean;
    try {
      const outcome = await deps.cases.open(actor, request, {
        kind: 'view',
        viewId: view.id,
        attempt: metadata.attempt,
      });
      if (outcome.kind === 'in-progress') {
        // A double-click, or a first submit whose process died: say what is known and what is safe.
        const text = writeInProgressText(metadata.vendor, outcome.settleableInMs);
        await showInModal(deps, where, messageModal(title, text), notice(text));
        return;
      }
      opened = outcome.value;
      repeated = outcome.repeated;
    } catch (error) {
      deps.metrics?.interactionHandled(OPEN_CALLBACK_ID, handlingOutcome(error));
      const words = describeError(error, deps.logger);
      const modal = words.resubmittable
        ? formAgain(`:x: ${words.text}\nFix the form if needed and submit again.`, metadata.attempt + 1)
        : messageModal(title, words.text);
      await showInModal(
        deps,
        where,
        modal,
        notice(`Your ${vendorName(metadata.vendor)} case was not opened: ${words.text}`),
      );
      return;
    }

    deps.metrics?.interactionHandled(OPEN_CALLBACK_ID, 'ok');
    const c = opened.case;
    const name = `${vendorName(c.vendor)} case \`${escapeMrkdwn(c.id)}\``;
    let footer: string | undefined;
    // A repeat too: the first attempt may have lost the card (its post unanswered, its process gone).
    if (isChannel(metadata.channel)) {
      const key = writeKey('open', metadata.vendor, {
        kind: 'view',
        viewId: view.id,
        attempt: metadata.attempt,
      });
      footer = await watchAndPost(deps, actor, metadata.channel, opened, key);
    }
    const headline = repeated
      ? `This form was already submitted: it opened ${name}. Nothing was opened twice.`
      : opened.created
        ? `:white_check_mark: Opened ${name}.`
        : `:white_check_mark: ${vendorName(c.vendor)} already had this request as ${name}; nothing was opened twice.`;
    await showInModal(
      deps,
      where,
      caseResultModal('Case opened', headline, c, capabilitiesOf(deps, c.vendor), footer),
      notice(`${headline}${footer ? `\n${footer}` : ''}`),
    );
  });
}

/**
 * Watches the new case in its channel and posts its card there (saying it is watched), once per write: the
 * card is tagged with the write's key and looked for before it is posted again (see WritePosts). Returns a
 * line saying how that went; undefined when an earlier attempt posted the card already. A card that cannot
 * be posted takes the watch with it: nobody would hear about the changes.
 */
async function watchAndPost(
  deps: SlackDeps,
  actor: Actor,
  channelId: string,
  opened: OpenedCase,
  writeKey: string,
): Promise<string | undefined> {
  const c = opened.case;
  const tag = { eventType: CARD_EVENT_TYPE, writeKey, vendor: c.vendor, caseId: c.id, channelId };
  // Unreadable records are not a reason to stop here: posting once still holds (the outbox is asked again).
  const postedBefore = await deps.writePosts.postedTs(tag).catch(() => undefined);
  if (postedBefore) return undefined;
  let busy = false;
  const outcome = await deps.cards.watchAndPost(actor, c, channelId, async (context) => {
    const card = renderChannelCard(c, context, capabilitiesOf(deps, c.vendor));
    const posted = await deps.writePosts.postOnce(tag, slackWritePost(deps.slack, card));
    if (posted.kind === 'refused') throw posted.error;
    if (posted.kind === 'busy') {
      busy = true;
      throw new Error('another attempt is posting this card');
    }
    return { channel: channelId, ts: posted.ts };
  });
  if (busy) return `The card is being posted in <#${channelId}>.`;
  if (!outcome.posted) {
    const words = describeError(outcome.error, deps.logger);
    // "Try again" must not read as "open it again": that would be a second case at the vendor.
    return (
      `:warning: The case is open, but it could not be posted or watched in <#${channelId}>: ${words.text} ` +
      `To post it there, use \`/case show ${c.vendor} ${c.id}\` and *Post to channel*; opening it again would open a second case.`
    );
  }
  return outcome.watched
    ? `Posted in <#${channelId}> and watched there: status changes will be posted in the channel.`
    : `Posted in <#${channelId}>. :warning: Watching it there failed; use \`/case watch\` to try again.`;
}
