/**
 * Opening a case from Slack, up to the filled-in form: the modal opens at once on the trigger id (good for
 * 3 seconds, once), and is filled in with views.update once the caller's profile is known (their e-mail is
 * the default requester / contact). Several vendors: a picker first.
 */
import type { VendorId } from '../domain/case.js';
import { InvalidInputError } from '../domain/errors.js';
import { truncate } from './blocks/limits.js';
import { loadingModal, vendorPickerModal } from './blocks/modals.js';
import {
  buildOpenModal,
  type FormValues,
  type OpenVendor,
  openFormOf,
  openModalTitle,
} from './blocks/open-form.js';
import { isChannel } from './conversation.js';
import type { SlackDeps } from './deps.js';
import { refuseEarly } from './policy.js';

export interface OpenFlowStart {
  triggerId: string;
  userId: string;
  channelId?: string;
  vendor?: VendorId;
  /** Text to pre-fill the description with (message shortcut). */
  prefill?: string;
  /** Permalink of the source message, looked up only once the modal is open (the trigger cannot wait). */
  source?: () => Promise<string | undefined>;
}

/** Room left for pre-filled text in a picker's private_metadata (3000 characters of JSON in all). */
const PREFILL_IN_METADATA = 2000;

export function openVendors(deps: SlackDeps): OpenVendor[] {
  return deps.cases
    .enabledVendors()
    .filter((a) => a.capabilities.has('open'))
    .map((a) => a.vendor as OpenVendor);
}

/**
 * Opens the modal right away. Throws (before anything is shown) when the vendor is not configured or cannot
 * open cases, or the policy does not let this person open cases there, so the caller can answer with the reason.
 */
export async function startOpenFlow(deps: SlackDeps, start: OpenFlowStart): Promise<void> {
  const channel = isChannel(start.channelId) ? start.channelId : undefined;
  let vendor: OpenVendor | undefined;
  if (start.vendor) {
    deps.cases.adapterFor(start.vendor, 'open');
    // Without a severity yet, only "may not open here at all" refuses; caps are checked on submit.
    await refuseEarly(deps, 'open', {
      vendor: start.vendor,
      userId: start.userId,
      channelId: start.channelId,
    });
    vendor = start.vendor as OpenVendor;
  } else {
    const vendors = openVendors(deps);
    if (vendors.length === 0) {
      throw new InvalidInputError(
        'No vendor configured in this workspace lets caseops open cases. `/case help` shows what each allows.',
      );
    }
    if (vendors.length > 1) {
      const picker = (source?: string) =>
        vendorPickerModal(vendors, {
          kind: 'pick',
          channel,
          source,
          prefill: start.prefill ? truncate(start.prefill, PREFILL_IN_METADATA) : undefined,
        });
      const { viewId } = await deps.slack.openView(start.triggerId, picker());
      const source = await start.source?.();
      if (source) await deps.slack.updateView(viewId, picker(source));
      return;
    }
    vendor = vendors[0];
  }
  if (!vendor) return;
  const { viewId } = await deps.slack.openView(start.triggerId, loadingModal(openModalTitle(vendor)));
  const source = await start.source?.();
  await fillOpenForm(deps, viewId, vendor, {
    userId: start.userId,
    channelId: channel,
    prefill: start.prefill,
    source,
  });
}

export async function defaultValues(
  deps: SlackDeps,
  vendor: OpenVendor,
  options: { userId: string; prefill?: string; source?: string },
): Promise<FormValues> {
  const body = options.prefill
    ? `${options.prefill}${options.source ? `\n\nFrom Slack: ${options.source}` : ''}`
    : undefined;
  // Each plugin says what its form starts with; the person's e-mail is looked up only if it asks.
  return openFormOf(vendor).defaults({
    userId: options.userId,
    prefill: options.prefill,
    body,
    now: deps.now(),
    email: async () => (await deps.slack.userOrUndefined(options.userId))?.email,
  });
}

export async function fillOpenForm(
  deps: SlackDeps,
  viewId: string,
  vendor: OpenVendor,
  options: { userId: string; channelId?: string; prefill?: string; source?: string },
): Promise<void> {
  const values = await defaultValues(deps, vendor, options);
  await deps.slack.updateView(
    viewId,
    buildOpenModal({
      vendor,
      values,
      metadata: { kind: 'open', vendor, channel: options.channelId, attempt: 0, source: options.source },
    }),
  );
}
