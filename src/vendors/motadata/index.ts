import type { Env } from '../../config/env.js';
import { VendorUnauthorisedError } from '../../domain/errors.js';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import type { VendorDeps } from '../deps.js';
import { type AuthStrategy, bearerAuth, staticHeaderAuth } from '../http/auth.js';
import { VendorHttpClient } from '../http/client.js';
import { RateBudget } from '../http/rate-budget.js';
import { TokenCache } from '../http/token-cache.js';
import { inspectMotadataSuccess, MotadataAdapter, mapMotadataError, motadataTokenSource } from './adapter.js';

export { inspectMotadataSuccess, MotadataAdapter, mapMotadataError } from './adapter.js';
export { idempotencyTag, motadataState } from './mapper.js';
export {
  createMotadataSimulator,
  type MotadataAuthMode,
  type MotadataSimulator,
  type MotadataSimulatorOptions,
} from './simulator.js';

/**
 * The Motadata adapter when the server and credentials are configured (an API key, or the four values of the
 * OAuth2 password grant), otherwise undefined (vendor disabled). An API key wins when both are set.
 */
export function motadataFromEnv(env: Env, deps: VendorDeps): VendorAdapter | undefined {
  if (!env.MOTADATA_BASE_URL) return undefined;
  const logger = deps.logger.child({ vendor: 'motadata' });
  const auth = motadataAuth(env, env.MOTADATA_BASE_URL, deps, logger);
  if (!auth) return undefined;
  const http = new VendorHttpClient({
    vendor: 'motadata',
    baseUrl: env.MOTADATA_BASE_URL,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    budget: new RateBudget({
      ratePerSecond: env.MOTADATA_RATE_PER_SECOND,
      maxConcurrent: env.MOTADATA_MAX_CONCURRENT,
      clock: deps.clock,
    }),
    auth,
    mapError: mapMotadataError,
    inspectSuccess: inspectMotadataSuccess,
    retry: deps.retry,
    clock: deps.clock,
    dispatcher: deps.dispatcher,
    logger,
    onCall: deps.onCall,
    tracing: deps.tracing,
  });
  return new MotadataAdapter(http, logger);
}

function motadataAuth(env: Env, baseUrl: string, deps: VendorDeps, logger: Logger): AuthStrategy | undefined {
  if (env.MOTADATA_API_KEY) return staticHeaderAuth('authorization', `Apikey ${env.MOTADATA_API_KEY}`);
  const { MOTADATA_CLIENT_ID, MOTADATA_CLIENT_SECRET, MOTADATA_USERNAME, MOTADATA_PASSWORD } = env;
  if (!MOTADATA_CLIENT_ID || !MOTADATA_CLIENT_SECRET || !MOTADATA_USERNAME || !MOTADATA_PASSWORD)
    return undefined;

  // Tokens are fetched while a vendor call holds a slot of the main budget: a budget of their own cannot
  // deadlock against it. Token calls are rare (the cache reuses one for its lifetime).
  const tokenHttp = new VendorHttpClient({
    vendor: 'motadata',
    baseUrl,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    budget: new RateBudget({ ratePerSecond: 5, maxConcurrent: 1, clock: deps.clock }),
    mapError: mapMotadataError,
    retry: deps.retry,
    clock: deps.clock,
    dispatcher: deps.dispatcher,
    logger,
    onCall: deps.onCall,
    tracing: deps.tracing,
  });
  const tokens = new TokenCache({
    fetchToken: motadataTokenSource(tokenHttp, {
      clientId: MOTADATA_CLIENT_ID,
      clientSecret: MOTADATA_CLIENT_SECRET,
      username: MOTADATA_USERNAME,
      password: MOTADATA_PASSWORD,
    }),
    // Refused credentials cool down instead of being tried again on every call.
    isRefusal: (error) => error instanceof VendorUnauthorisedError,
    // TokenCache spreads its options over its defaults: an explicit undefined would erase the system clock.
    ...(deps.clock ? { clock: deps.clock } : {}),
    onRefresh: () => deps.onTokenRefresh?.('motadata'),
  });
  return bearerAuth(tokens, 'Bearer');
}
