/**
 * The seam where the access policy plugs into the use cases. Every use case asks `authorize` first; the
 * default allows everything. The composition root passes `policyAuthorizer(gate)`, which throws DeniedError
 * to refuse.
 */
import type { Action, Actor } from './actions.js';
import type { VendorId } from './case.js';
import type { OpenRequest } from './open-request.js';
import type { Severity } from './policy.js';

export interface AuthorizeContext {
  actor: Actor;
  vendor: VendorId;
  caseId?: string;
  /** For `open`: what is being asked for. */
  request?: OpenRequest;
  /** For `open`: the request's severity as its vendor's plugin reads it (severity caps look at it). */
  severity?: Severity;
}

export type Authorize = (action: Action, context: AuthorizeContext) => void | Promise<void>;

export const allowEverything: Authorize = () => {};
