/** The Motadata ServiceOps plugin (Flotomate incident API): its manifest, its adapter factory and its simulator. */
import type { z } from 'zod';
import { VendorUnauthorisedError } from '../../domain/errors.js';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { type AuthStrategy, bearerAuth, staticHeaderAuth } from '../http/auth.js';
import { VendorHttpClient } from '../http/client.js';
import { RateBudget } from '../http/rate-budget.js';
import { TokenCache } from '../http/token-cache.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import { inspectMotadataSuccess, MotadataAdapter, mapMotadataError, motadataTokenSource } from './adapter.js';
import { motadataConfig } from './config.js';
import { MOTADATA_STATUS_STATES } from './mapper.js';
import { MOTADATA_LEVELS, motadataOpenForm } from './open-request.js';
import { createMotadataSimulator } from './simulator.js';
import { MOTADATA } from './terms.js';

type MotadataEnv = z.infer<typeof motadataConfig.schema> & SharedVendorEnv;

export { inspectMotadataSuccess, MotadataAdapter, mapMotadataError } from './adapter.js';
export { idempotencyTag, MOTADATA_STATUS_STATES, motadataState } from './mapper.js';
export { MOTADATA_IMPACTS, MOTADATA_LEVELS, MotadataOpenRequest } from './open-request.js';
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
export function motadataFromEnv(env: MotadataEnv, deps: VendorDeps): VendorAdapter | undefined {
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
  });
  return new MotadataAdapter(http, logger);
}

function motadataAuth(
  env: MotadataEnv,
  baseUrl: string,
  deps: VendorDeps,
  logger: Logger,
): AuthStrategy | undefined {
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

export const motadata = defineVendorPlugin({
  ...MOTADATA,
  aliases: ['motadata', 'serviceops', 'flotomate', 'itsm'],
  caseId: { parse: (raw: string) => parseCaseIdBy(MOTADATA, raw), hint: MOTADATA.caseId.hint },
  // Most severe first; ServiceOps lists its levels the other way round.
  severityWords: [MOTADATA_LEVELS[3], MOTADATA_LEVELS[2], MOTADATA_LEVELS[1], MOTADATA_LEVELS[0]],
  config: motadataConfig,
  fromConfig: motadataFromEnv,
  openForm: motadataOpenForm,
  // Each customer runs their own ServiceOps server: MOTADATA_CASE_URL sets its incident page.
  portal: { env: 'MOTADATA_CASE_URL' },
  statuses: MOTADATA_STATUS_STATES,
  simulator: {
    create: ({ latencyMs } = {}) => createMotadataSimulator({ latencyMs }),
  },
});
