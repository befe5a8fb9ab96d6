/**
 * Motadata ServiceOps (Flotomate incident API) on the customer's own server: open an incident, look it up by
 * number, close it with a reason. This API generation has no note endpoint and no native idempotency key: a
 * `caseops:<key>` tag stands in for one (see CONTRACT NOTES in schemas.ts).
 */
import type { z } from 'zod';
import type { Case } from '../../domain/case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  InvalidInputError,
  VendorError,
  VendorRejectedError,
  VendorUnauthorisedError,
} from '../../domain/errors.js';
import type { OpenRequest } from '../../domain/open-request.js';
import type { OpenResult, WriteOptions } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { BaseVendorAdapter } from '../base-adapter.js';
import { createOnce, isOutcomeUncertain } from '../create-once.js';
import type { VendorHttpClient } from '../http/client.js';
import type { TokenRequest } from '../http/oauth.js';
import { encodePath } from '../http/path.js';
import { excerpt, type FailedAnswer } from '../http/wire.js';
import { checkOpenRequest } from '../open-request-check.js';
import {
  createdCase,
  hasTag,
  idempotencyTag,
  motadataCase,
  motadataState,
  toCloseBody,
  toCreateBody,
  withCloseReason,
} from './mapper.js';
import { MotadataOpenRequest } from './open-request.js';
import {
  INCIDENT_PATH,
  INCIDENT_SEARCH_PATH,
  MotadataIncident,
  MotadataSearchAnswer,
  MotadataToken,
  MotadataWriteAnswer,
  SUCCESS,
  TOKEN_PATH,
  tagSearchBody,
} from './schemas.js';

import { MOTADATA } from './terms.js';

export class MotadataAdapter extends BaseVendorAdapter {
  protected readonly terms = MOTADATA;
  /** Opens under way in this process, by idempotency tag. */
  private readonly opening = new Map<string, Promise<OpenResult>>();

  constructor(
    http: VendorHttpClient,
    private readonly logger?: Logger,
  ) {
    super(http);
  }

  override async open(request: OpenRequest, options: WriteOptions): Promise<OpenResult> {
    const checked = checkOpenRequest('motadata', MotadataOpenRequest, request);
    const tag = this.tagFor(options.idempotencyKey);
    // Two opens with one key at once would both find no tag and both create: the second waits for the first.
    const inFlight = this.opening.get(tag);
    if (inFlight) return { case: (await inFlight).case, created: false };
    const opened = this.openTagged(checked, tag, options);
    this.opening.set(tag, opened);
    try {
      return await opened;
    } finally {
      this.opening.delete(tag);
    }
  }

  private async openTagged(
    checked: MotadataOpenRequest,
    tag: string,
    options: WriteOptions,
  ): Promise<OpenResult> {
    const { value, created } = await createOnce({
      vendor: this.vendor,
      key: tag,
      create: () => this.create(checked, tag, options.signal),
      findExisting: () => this.findByTag(tag, options.signal),
      // ServiceOps accepts a repeated tag, so the tag is looked for before creating.
      checkFirst: true,
      logger: this.logger,
    });
    return { case: value, created };
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<Case | undefined> {
    return this.findByTag(this.tagFor(idempotencyKey));
  }

  async lookup(id: string): Promise<Case> {
    return motadataCase(await this.fetchIncident(this.parseCaseId(id)));
  }

  /** ServiceOps has no cancel: the nearest is closing the incident with the reason in its description. */
  override async cancel(id: string, reason: string, options: WriteOptions): Promise<Case> {
    const incidentId = this.parseCaseId(id);
    const why = reason.trim();
    if (!why) throw new InvalidInputError('Say why the incident is being closed.', 'reason');

    const current = await this.fetchIncident(incidentId, options.signal);
    if (motadataState(current.status) === 'closed') {
      throw new CaseConflictError(this.vendor, `incident ${incidentId} is already ${current.status}`);
    }
    try {
      await this.http.request({
        operation: 'cancel',
        method: 'POST',
        path: INCIDENT_PATH + encodePath`/${incidentId}`,
        body: { json: toCloseBody(current, why) },
        schema: MotadataWriteAnswer,
        idempotent: false,
        caseId: incidentId,
        signal: options.signal,
      });
    } catch (error) {
      if (!isOutcomeUncertain(error)) throw error;
      // Closing twice adds nothing: if the incident now reads Closed, the close landed.
      const after = await this.fetchIncident(incidentId, options.signal).catch(() => undefined);
      if (after && motadataState(after.status) === 'closed') return motadataCase(after);
      throw error;
    }

    try {
      return motadataCase(await this.fetchIncident(incidentId, options.signal));
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.logger?.warn({ vendor: this.vendor, incidentId, code: error.code }, 'closed, but not read back');
      return motadataCase({
        ...current,
        status: 'Closed',
        description: withCloseReason(current.description, why),
      });
    }
  }

  private tagFor(idempotencyKey: string): string {
    if (!idempotencyKey.trim()) throw new InvalidInputError('An idempotency key is required to open a case.');
    return idempotencyTag(idempotencyKey.trim());
  }

  private async create(request: MotadataOpenRequest, tag: string, signal?: AbortSignal): Promise<Case> {
    const { data } = await this.http.request({
      operation: 'open',
      method: 'POST',
      path: INCIDENT_PATH,
      body: { json: toCreateBody(request, tag) },
      schema: MotadataWriteAnswer,
      idempotent: false,
      signal,
    });
    try {
      return motadataCase(await this.fetchIncident(data.id, signal));
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.logger?.warn(
        { vendor: this.vendor, incidentId: data.id, code: error.code },
        'incident created, but not read back',
      );
      return createdCase(data.id, request, tag);
    }
  }

  /** The earliest incident carrying `tag`, or undefined when none does. */
  private async findByTag(tag: string, signal?: AbortSignal): Promise<Case | undefined> {
    const { data } = await this.http.request({
      operation: 'search',
      method: 'POST',
      path: INCIDENT_SEARCH_PATH,
      query: { offset: 0, size: 10 },
      body: { json: tagSearchBody(tag) },
      schema: MotadataSearchAnswer,
      // A search changes nothing, so it may be retried like a read.
      idempotent: true,
      signal,
    });
    // Objects that list their tags must list ours: a server that ignored the qualification is not trusted.
    const candidates = (data.objectList ?? [])
      .filter((o) => !o.tags || hasTag(o.tags, tag))
      .map((o) => o.id)
      .sort((a, b) => Number(a) - Number(b));
    const earliest = candidates[0];
    if (earliest === undefined) return undefined;
    if (candidates.length > 1) {
      this.logger?.warn(
        { vendor: this.vendor, tag, ids: candidates },
        'several incidents carry one idempotency tag',
      );
    }
    return motadataCase(await this.fetchIncident(earliest, signal));
  }

  private async fetchIncident(incidentId: string, signal?: AbortSignal): Promise<MotadataIncident> {
    const { data } = await this.http.request({
      operation: 'lookup',
      method: 'GET',
      path: INCIDENT_PATH + encodePath`/${incidentId}`,
      schema: MotadataIncident,
      idempotent: true,
      caseId: incidentId,
      signal,
    });
    return data;
  }
}

export interface MotadataPasswordGrant {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** The OAuth2 password grant: the client id and secret as Basic credentials, the user's in the form. */
export function motadataTokenRequest(
  grant: MotadataPasswordGrant,
): TokenRequest<z.infer<typeof MotadataToken>> {
  const client = `Basic ${Buffer.from(`${grant.clientId}:${grant.clientSecret}`, 'utf8').toString('base64')}`;
  return {
    path: TOKEN_PATH,
    headers: { authorization: client },
    body: { form: { username: grant.username, password: grant.password, grant_type: 'password' } },
    schema: MotadataToken,
    read: (answer) => ({ accessToken: answer.access_token, expiresInSeconds: answer.expires_in }),
    idempotent: true,
  };
}

interface EnvelopeLike {
  returnCode?: unknown;
  userMessage?: unknown;
  error?: unknown;
  error_description?: unknown;
}

function envelopeOf(json: unknown): EnvelopeLike | undefined {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as EnvelopeLike) : undefined;
}

/** A failure ServiceOps explained in an envelope, read the same way under any HTTP status. */
function envelopeError(answer: FailedAnswer, reason: string, returnCode?: string): VendorError {
  const missing = answer.status === 404 || /not found|does not exist/i.test(reason);
  if (answer.caseId && missing && (answer.operation === 'lookup' || answer.status === 404)) {
    return new CaseNotFoundError('motadata', answer.caseId, answer.status);
  }
  if (answer.operation === 'cancel' && /already closed/i.test(reason)) {
    return new CaseConflictError('motadata', reason, answer.status);
  }
  return new VendorRejectedError('motadata', reason, answer.status, returnCode);
}

/** A 2xx whose returnCode is not SUCCESS is a failure, with userMessage as the reason. */
export function inspectMotadataSuccess(answer: FailedAnswer): VendorError | undefined {
  const envelope = envelopeOf(answer.json);
  if (typeof envelope?.returnCode !== 'string' || envelope.returnCode === SUCCESS) return undefined;
  const reason =
    typeof envelope.userMessage === 'string' && envelope.userMessage
      ? envelope.userMessage
      : `ServiceOps answered ${envelope.returnCode}`;
  return envelopeError(answer, reason, envelope.returnCode);
}

export function mapMotadataError(answer: FailedAnswer): VendorError | undefined {
  const envelope = envelopeOf(answer.json);
  if (answer.operation === 'token' && (answer.status === 400 || answer.status === 401)) {
    // Spring answers a refused password grant with 400 invalid_grant; either way an operator must act.
    const said = [envelope?.error, envelope?.error_description]
      .filter((v) => typeof v === 'string')
      .join(': ');
    return new VendorUnauthorisedError(
      'motadata',
      `the OAuth password grant was refused (${said || excerpt(answer.text) || `HTTP ${answer.status}`})`,
      answer.status,
    );
  }
  const refused = answer.status >= 400 && answer.status < 500 && ![401, 429].includes(answer.status);
  if (refused && typeof envelope?.userMessage === 'string' && envelope.userMessage) {
    const returnCode = typeof envelope.returnCode === 'string' ? envelope.returnCode : undefined;
    return envelopeError(answer, envelope.userMessage, returnCode);
  }
  return undefined;
}
