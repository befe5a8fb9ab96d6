/**
 * Juniper through Junos Space Service Now on the customer's own Space server: open a JTAC case by submitting a
 * Service Now incident, and look it up by its customer tracking number (the id people use). Service Now has no
 * REST call to add a note to, or close, a JTAC case.
 */
import type { Case } from '../../domain/case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  VendorError,
  VendorRejectedError,
} from '../../domain/errors.js';
import type { OpenRequest } from '../../domain/open-request.js';
import type { OpenResult, WriteOptions } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { BaseVendorAdapter } from '../base-adapter.js';
import { createOnce } from '../create-once.js';
import type { VendorHttpClient } from '../http/client.js';
import { encodePath } from '../http/path.js';
import { excerpt, type FailedAnswer } from '../http/wire.js';
import { checkOpenRequest } from '../open-request-check.js';
import {
  type JuniperSubmitSettings,
  juniperCase,
  submittedCase,
  toSubmitCaseBody,
  withSubmitReceipt,
} from './mapper.js';
import { JuniperOpenRequest } from './open-request.js';
import {
  DUPLICATE_TRACKING_NUMBER,
  errorExceptions,
  INCIDENTS_ACCEPT,
  JuniperIncidents,
  readServiceNowMessage,
  SERVICE_NOW_PATH,
  SUBMIT_CASE_ACCEPT,
  SUBMIT_CASE_CONTENT_TYPE,
  SubmitCaseAnswer,
  trackingNumberFilter,
} from './schemas.js';

/** vendorCode of the refusal that means "this tracking number was used before" (our duplicate signal). */
export const DUPLICATE_TRACKING_NUMBER_CODE = 'DUPLICATE_TRACKING_NUMBER';

import { JUNIPER } from './terms.js';

export class JuniperAdapter extends BaseVendorAdapter {
  protected readonly terms = JUNIPER;

  constructor(
    http: VendorHttpClient,
    private readonly settings: JuniperSubmitSettings,
    private readonly logger?: Logger,
  ) {
    super(http);
  }

  override async open(request: OpenRequest, options: WriteOptions): Promise<OpenResult> {
    const checked = checkOpenRequest('juniper', JuniperOpenRequest, request);
    // The tracking number is the idempotency key (the domain passes it as options.idempotencyKey too):
    // Service Now refuses a repeated one.
    const trackingNumber = checked.trackingNumber;
    const { value, created } = await createOnce({
      vendor: this.vendor,
      key: trackingNumber,
      create: () => this.submit(checked, options.signal),
      findExisting: () => this.findByTrackingNumber(trackingNumber, options.signal),
      isDuplicate: (error) =>
        (error instanceof VendorRejectedError && error.vendorCode === DUPLICATE_TRACKING_NUMBER_CODE) ||
        // A resubmitted incident may be refused as "already submitted" before its tracking number is checked.
        error instanceof CaseConflictError,
      logger: this.logger,
    });
    const incidentKey = value.alternateIds[0];
    if (incidentKey !== checked.incidentId) {
      throw new VendorRejectedError(
        this.vendor,
        `tracking number ${trackingNumber} already belongs to the case for Service Now incident ${incidentKey}; use another tracking number`,
      );
    }
    return { case: value, created };
  }

  /** Juniper's idempotency key is the tracking number itself (its plugin's open form says so). */
  findByIdempotencyKey(idempotencyKey: string): Promise<Case | undefined> {
    return this.findByTrackingNumber(this.parseCaseId(idempotencyKey));
  }

  async lookup(id: string): Promise<Case> {
    const trackingNumber = this.parseCaseId(id);
    const found = await this.findByTrackingNumber(trackingNumber);
    if (!found) throw new CaseNotFoundError(this.vendor, trackingNumber);
    return found;
  }

  private async submit(request: JuniperOpenRequest, signal?: AbortSignal): Promise<Case> {
    const { data } = await this.http.request({
      operation: 'open',
      method: 'POST',
      path: SERVICE_NOW_PATH + encodePath`/incidents/${request.incidentId}/submitCase`,
      headers: { accept: SUBMIT_CASE_ACCEPT },
      body: { json: toSubmitCaseBody(request, this.settings), contentType: SUBMIT_CASE_CONTENT_TYPE },
      schema: SubmitCaseAnswer,
      idempotent: false,
      caseId: request.incidentId,
      signal,
    });
    const refusals = errorExceptions(data);
    if (refusals.length > 0) {
      const reason = refusals.map((e) => e.desc ?? e.code ?? 'error').join('; ');
      if (DUPLICATE_TRACKING_NUMBER.test(reason)) throw duplicateTrackingNumber(reason, 200);
      throw new VendorRejectedError(this.vendor, reason, 200, refusals[0]?.code);
    }
    // The job's own status: a failure without an error exception is still a failure.
    if (data.status && /fail/i.test(data.status)) {
      throw new VendorRejectedError(this.vendor, data.desc ?? `the submit job ended as ${data.status}`, 200);
    }
    const receipt = { status: data.status, desc: data.desc, caseIds: data.keys };

    try {
      const submitted = await this.findByTrackingNumber(request.trackingNumber, signal);
      if (submitted) return withSubmitReceipt(submitted, receipt);
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.logger?.warn(
        { vendor: this.vendor, trackingNumber: request.trackingNumber, code: error.code },
        'case submitted, but the incident could not be read back',
      );
    }
    // Service Now accepted the submit; the card can show what was submitted until the next refresh.
    return withSubmitReceipt(submittedCase(request), receipt);
  }

  /** The case carrying this tracking number, or undefined when Service Now knows none. */
  private async findByTrackingNumber(
    trackingNumber: string,
    signal?: AbortSignal,
  ): Promise<Case | undefined> {
    try {
      const { data: incidents } = await this.http.request({
        operation: 'lookup',
        method: 'GET',
        // encodeURIComponent: spaces as %20 and the quotes encoded, as the document's example URL.
        path: `${SERVICE_NOW_PATH}/incidents?filter=${encodeURIComponent(trackingNumberFilter(trackingNumber))}`,
        headers: { accept: INCIDENTS_ACCEPT },
        schema: JuniperIncidents,
        idempotent: true,
        caseId: trackingNumber,
        signal,
      });
      // Trust the filter only as far as the answer confirms it.
      const incident =
        incidents.find((i) => i.customerTrackingNumber === trackingNumber) ??
        (incidents.length === 1 && incidents[0]?.customerTrackingNumber === undefined
          ? incidents[0]
          : undefined);
      return incident ? juniperCase(incident, trackingNumber) : undefined;
    } catch (error) {
      if (error instanceof CaseNotFoundError) return undefined;
      throw error;
    }
  }
}

function duplicateTrackingNumber(reason: string, httpStatus: number): VendorRejectedError {
  return new VendorRejectedError('juniper', reason, httpStatus, DUPLICATE_TRACKING_NUMBER_CODE);
}

/** The vendor's own words from an error answer: a servicenowmsg, a message field, or the text. */
function juniperReason(answer: FailedAnswer): string {
  const message = readServiceNowMessage(answer.json);
  if (message) {
    const refusals = errorExceptions(message).length > 0 ? errorExceptions(message) : message.exceptions;
    const described = refusals.map((e) => e.desc).filter(Boolean);
    if (described.length > 0) return described.join('; ');
    if (message.desc) return message.desc;
  }
  const json = answer.json as { message?: unknown; error?: unknown } | undefined;
  if (json && typeof json === 'object') {
    if (typeof json.message === 'string' && json.message) return json.message;
    if (typeof json.error === 'string' && json.error) return json.error;
  }
  return excerpt(answer.text) || `HTTP ${answer.status}`;
}

/** Service Now's documented answers to submitCase and the incidents filter; others use the default mapping. */
export function mapJuniperError(answer: FailedAnswer): VendorError | undefined {
  const reason = juniperReason(answer);
  if (answer.operation === 'open') {
    switch (answer.status) {
      case 400:
        return /already (been )?(submitted|closed)/i.test(reason)
          ? new CaseConflictError('juniper', reason, 400)
          : new VendorRejectedError('juniper', reason, 400);
      case 404:
        // The incident being submitted is missing, not a case.
        return new VendorRejectedError(
          'juniper',
          `Service Now has no incident ${answer.caseId ?? ''} (${reason})`,
          404,
          'INVALID_INCIDENT_ID',
        );
      case 500:
        if (DUPLICATE_TRACKING_NUMBER.test(reason)) return duplicateTrackingNumber(reason, 500);
        if (/demo mode|offline mode/i.test(reason)) return new VendorRejectedError('juniper', reason, 500);
        return undefined;
    }
  }
  if (answer.operation === 'lookup' && answer.status === 404) {
    // "Invalid customer number" / "Customer information not found": nothing carries this tracking number.
    return new CaseNotFoundError('juniper', answer.caseId ?? '', 404);
  }
  return undefined;
}
