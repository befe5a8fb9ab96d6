/** Motadata's environment variables: the customer's own ServiceOps server, and an API key or a password grant. */
import * as z from 'zod';
import {
  optionalCaseUrlTemplate,
  optionalText,
  optionalUrl,
  positiveInt,
  positiveNumber,
} from '../../config/env-kit.js';
import type { VendorConfig } from '../plugin-types.js';

const shape = {
  MOTADATA_BASE_URL: optionalUrl(),
  MOTADATA_API_KEY: optionalText,
  MOTADATA_CLIENT_ID: optionalText,
  MOTADATA_CLIENT_SECRET: optionalText,
  MOTADATA_USERNAME: optionalText,
  MOTADATA_PASSWORD: optionalText,
  MOTADATA_RATE_PER_SECOND: positiveNumber(5),
  MOTADATA_MAX_CONCURRENT: positiveInt(4),
  MOTADATA_CASE_URL: optionalCaseUrlTemplate(),
};

const PASSWORD_GRANT = [
  'MOTADATA_CLIENT_ID',
  'MOTADATA_CLIENT_SECRET',
  'MOTADATA_USERNAME',
  'MOTADATA_PASSWORD',
] as const;

export const motadataConfig: VendorConfig<typeof shape> = {
  schema: z.object(shape),
  check: (env) => {
    const problems: string[] = [];
    const grantSet = PASSWORD_GRANT.filter((k) => env[k]);
    if (!env.MOTADATA_API_KEY && grantSet.length > 0 && grantSet.length < PASSWORD_GRANT.length) {
      for (const k of PASSWORD_GRANT.filter((k) => !env[k])) {
        problems.push(`${k}: required for Motadata's password grant (or set MOTADATA_API_KEY instead)`);
      }
    }
    if ((env.MOTADATA_API_KEY || grantSet.length > 0) && !env.MOTADATA_BASE_URL) {
      problems.push(
        'MOTADATA_BASE_URL: required when Motadata credentials are set (https://<your ServiceOps server>)',
      );
    }
    return problems;
  },
};
