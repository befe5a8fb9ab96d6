/** Equinix's environment variables. */
import * as z from 'zod';
import {
  optionalCaseUrlTemplate,
  optionalText,
  positiveInt,
  positiveNumber,
  requiredTogether,
  url,
} from '../../config/env-kit.js';
import type { VendorConfig } from '../plugin-types.js';

const shape = {
  EQUINIX_BASE_URL: url('https://api.equinix.com'),
  EQUINIX_CLIENT_ID: optionalText,
  EQUINIX_CLIENT_SECRET: optionalText,
  EQUINIX_RATE_PER_SECOND: positiveNumber(5),
  EQUINIX_MAX_CONCURRENT: positiveInt(4),
  EQUINIX_CASE_URL: optionalCaseUrlTemplate(),
};

export const equinixConfig: VendorConfig<typeof shape> = {
  schema: z.object(shape),
  check: (env) => requiredTogether(env, 'EQUINIX_CLIENT_ID', 'EQUINIX_CLIENT_SECRET'),
};
