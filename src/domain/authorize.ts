/**
 * The seam where a policy (who may open which severity at which vendor, from which channel) plugs in. Every
 * use case in CaseService asks `authorize` first; the default allows everything. A later issue supplies the
 * policy; it throws DeniedError to refuse.
 */
import type { VendorId } from './case.js';
import type { OpenRequest } from './open-request.js';
import type { Severity } from './policy.js';

export type CaseAction = 'open' | 'lookup' | 'annotate' | 'cancel' | 'list' | 'watch' | 'unwatch';

export interface Actor {
  /** Slack user id of the person acting. */
  userId: string;
  /** Where they acted (a channel, a DM), when known. */
  channelId?: string;
  teamId?: string;
}

export interface AuthorizeContext {
  actor: Actor;
  vendor: VendorId;
  caseId?: string;
  /** For `open`: what is being asked for. */
  request?: OpenRequest;
  /** For `open`: the request's severity as its vendor's plugin reads it (severity caps look at it). */
  severity?: Severity;
}

export type Authorize = (action: CaseAction, context: AuthorizeContext) => void | Promise<void>;

export const allowEverything: Authorize = () => {};
