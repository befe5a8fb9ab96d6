/**
 * Adapters check an open request again at their own edge: a request meant for another vendor, or one that
 * skipped validation, must never turn into a URL or a body.
 */
import type { z } from 'zod';
import type { VendorId } from '../domain/case.js';
import { InvalidInputError } from '../domain/errors.js';
import type { OpenRequest } from '../domain/open-request.js';

export function checkOpenRequest<T>(vendor: VendorId, schema: z.ZodType<T>, request: OpenRequest): T {
  if (request.vendor !== vendor) {
    throw new InvalidInputError(`This is a ${request.vendor} request, not a ${vendor} one.`, 'vendor');
  }
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    throw new InvalidInputError(
      issue?.message ?? 'The request is not valid.',
      typeof field === 'string' ? field : undefined,
    );
  }
  return parsed.data;
}
