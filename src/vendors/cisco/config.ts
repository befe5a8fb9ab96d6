/** Cisco's environment variables. */
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
  CISCO_BASE_URL: url('https://apix.cisco.com'),
  CISCO_TOKEN_URL: url('https://id.cisco.com/oauth2/default/v1/token'),
  CISCO_CLIENT_ID: optionalText,
  CISCO_CLIENT_SECRET: optionalText,
  CISCO_RATE_PER_SECOND: positiveNumber(2),
  CISCO_MAX_CONCURRENT: positiveInt(2),
  CISCO_CASE_URL: optionalCaseUrlTemplate(),
};

export const ciscoConfig: VendorConfig<typeof shape> = {
  schema: z.object(shape),
  check: (env) => requiredTogether(env, 'CISCO_CLIENT_ID', 'CISCO_CLIENT_SECRET'),
};
