/**
 * The one OAuth client every vendor with tokens uses (Equinix and Cisco: client credentials; Motadata: the
 * password grant). Each vendor says only how its token request looks and how to read the answer; this module
 * owns what must be the same everywhere:
 * - token calls have a budget of their own: a data call asks for its token while holding a slot of the data
 *   budget, so a shared budget could leave every slot waiting for a token call that cannot start;
 * - a refused token request (bad credentials) cools down instead of being retried on every call (Equinix locks
 *   the account after 5 refusals in a row);
 * - a 401 on a data call drops the token, and the HTTP client asks once more with a fresh one.
 */
import type { z } from 'zod';
import { type VendorError, VendorUnauthorisedError } from '../../domain/errors.js';
import { systemClock } from '../../domain/ports/clock.js';
import type { VendorDeps } from '../deps.js';
import { type AuthStrategy, bearerAuth } from './auth.js';
import { VendorHttpClient } from './client.js';
import { RateBudget } from './rate-budget.js';
import { type IssuedToken, TokenCache } from './token-cache.js';
import type { FailedAnswer, RequestBody } from './wire.js';

/** Token calls are rare (one per token lifetime); this many a second is plenty and never floods a vendor. */
const TOKEN_CALLS_PER_SECOND = 5;
export const DEFAULT_REFUSAL_COOLDOWN_MS = 5 * 60_000;

export interface TokenRequest<T> {
  /** The token endpoint: a path on `baseUrl`, or an absolute URL. */
  path: string;
  body: RequestBody;
  /** E.g. Motadata's `Authorization: Basic base64(client:secret)`. */
  headers?: Record<string, string>;
  schema: z.ZodType<T>;
  read(answer: T): IssuedToken;
  /** Whether asking again after a network error is safe (the vendor's call, not ours). */
  idempotent?: boolean;
}

export interface OAuthClientOptions<T> {
  vendor: string;
  /** The vendor's display name, for the log lines. */
  vendorName: string;
  baseUrl: string;
  timeoutMs: number;
  token: TokenRequest<T>;
  /** Reads a refused token answer; a refusal must come back as VendorUnauthorisedError to cool down. */
  mapError: (answer: FailedAnswer) => VendorError | undefined;
  parseBody?: (text: string) => unknown;
  refusalCooldownMs?: number;
  /** Scheme word before the token (Motadata answers `bearer`; every vendor accepts `Bearer`). */
  scheme?: string;
  deps: VendorDeps;
}

/** Bearer authorisation for a vendor's data client, with its tokens cached, refreshed and cooled down. */
export function oauthClient<T>(options: OAuthClientOptions<T>): AuthStrategy {
  const { deps, vendor } = options;
  const clock = deps.clock ?? systemClock;
  const cooldownMs = options.refusalCooldownMs ?? DEFAULT_REFUSAL_COOLDOWN_MS;
  const logger = deps.logger;
  const tokenHttp = new VendorHttpClient({
    vendor,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    budget: new RateBudget({ ratePerSecond: TOKEN_CALLS_PER_SECOND, maxConcurrent: 1, clock }),
    mapError: options.mapError,
    parseBody: options.parseBody,
    retry: deps.retry,
    clock,
    dispatcher: deps.dispatcher,
    logger,
    onCall: deps.onCall,
  });
  const tokens = new TokenCache({
    clock,
    refusalCooldownMs: cooldownMs,
    isRefusal: (error) => error instanceof VendorUnauthorisedError,
    onRefresh: () => deps.onTokenRefresh?.(vendor),
    fetchToken: async () => {
      try {
        const { data } = await tokenHttp.request({
          operation: 'token',
          method: 'POST',
          path: options.token.path,
          headers: options.token.headers,
          body: options.token.body,
          schema: options.token.schema,
          anonymous: true,
          // The API call that needed the token is the one that gets retried, unless the vendor says it is safe.
          idempotent: options.token.idempotent ?? false,
        });
        const issued = options.token.read(data);
        logger.debug(
          { vendor, expiresInSeconds: issued.expiresInSeconds },
          `fetched a ${options.vendorName} access token`,
        );
        return issued;
      } catch (error) {
        if (error instanceof VendorUnauthorisedError) {
          logger.warn(
            { vendor, err: error, retryInSeconds: Math.round(cooldownMs / 1000) },
            `${options.vendorName} refused the client credentials; not asking again until the cool-down ends`,
          );
        }
        throw error;
      }
    },
  });
  return bearerAuth(tokens, options.scheme ?? 'Bearer');
}
