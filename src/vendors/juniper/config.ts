/** Juniper's environment variables: the customer's own Junos Space server and its credentials. */
import * as z from 'zod';
import {
  optionalCaseUrlTemplate,
  optionalText,
  optionalUrl,
  positiveInt,
  positiveNumber,
  requiredTogether,
} from '../../config/env-kit.js';
import type { VendorConfig } from '../plugin-types.js';

const shape = {
  JUNIPER_BASE_URL: optionalUrl(),
  JUNIPER_USERNAME: optionalText,
  JUNIPER_PASSWORD: optionalText,
  JUNIPER_SITE_ID: optionalText,
  /** The address group a submitted case is filed under (its href); sent as `addressGroup` when set. */
  JUNIPER_ADDRESS_GROUP: optionalText,
  JUNIPER_CASE_USERNAME: optionalText,
  JUNIPER_CASE_PASSWORD: optionalText,
  JUNIPER_RATE_PER_SECOND: positiveNumber(5),
  JUNIPER_MAX_CONCURRENT: positiveInt(4),
  JUNIPER_CASE_URL: optionalCaseUrlTemplate(),
};

export const juniperConfig: VendorConfig<typeof shape> = {
  schema: z.object(shape),
  check: (env) => [
    ...requiredTogether(env, 'JUNIPER_USERNAME', 'JUNIPER_PASSWORD'),
    ...requiredTogether(env, 'JUNIPER_CASE_USERNAME', 'JUNIPER_CASE_PASSWORD'),
    ...(env.JUNIPER_USERNAME && !env.JUNIPER_BASE_URL
      ? ['JUNIPER_BASE_URL: required when JUNIPER_USERNAME is set (https://<your Junos Space host>)']
      : []),
  ],
};
