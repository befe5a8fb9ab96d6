/** The Motadata ServiceOps plugin (Flotomate incident API): its manifest and its adapter factory. */
import type { z } from 'zod';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { type AuthStrategy, staticHeaderAuth } from '../http/auth.js';
import { VendorHttpClient } from '../http/client.js';
import { oauthClient } from '../http/oauth.js';
import { RateBudget } from '../http/rate-budget.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import {
  inspectMotadataSuccess,
  MotadataAdapter,
  mapMotadataError,
  motadataTokenRequest,
} from './adapter.js';
import { motadataConfig } from './config.js';
import { MOTADATA_STATUS_STATES } from './mapper.js';
import { MOTADATA_LEVELS, motadataOpenForm } from './open-request.js';
import { MOTADATA } from './terms.js';

type MotadataEnv = z.infer<typeof motadataConfig.schema> & SharedVendorEnv;

export { inspectMotadataSuccess, MotadataAdapter, mapMotadataError } from './adapter.js';
export { idempotencyTag, MOTADATA_STATUS_STATES, motadataState } from './mapper.js';
export { MOTADATA_IMPACTS, MOTADATA_LEVELS, MotadataOpenRequest } from './open-request.js';

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
    tracing: deps.tracing,
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

  return oauthClient({
    vendor: MOTADATA.id,
    vendorName: MOTADATA.name,
    baseUrl,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    mapError: mapMotadataError,
    token: motadataTokenRequest({
      clientId: MOTADATA_CLIENT_ID,
      clientSecret: MOTADATA_CLIENT_SECRET,
      username: MOTADATA_USERNAME,
      password: MOTADATA_PASSWORD,
    }),
    deps: { ...deps, logger },
  });
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
  loadSimulator: async () => (await import('./plugin-simulator.js')).motadataSimulatorPlugin,
});
