/**
 * The zod building blocks of configuration variables, shared by config/env.ts and each vendor plugin's own
 * variables, so every variable reads and words its problems the same way.
 */
import * as z from 'zod';

const TRUE_WORDS = ['true', '1', 'yes'];
const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no', ''] as const;

export const bool = (fallback: boolean) =>
  z
    .enum(BOOL_WORDS, 'expected true or false')
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : TRUE_WORDS.includes(v)));

export const optionalBool = z
  .enum(BOOL_WORDS, 'expected true or false')
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : TRUE_WORDS.includes(v)));

export const httpUrl = () =>
  z.url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://api.example.com' });
export const url = (fallback: string) => httpUrl().default(fallback);
export const optionalUrl = () => httpUrl().optional();

/** A vendor portal's case page, with `{id}` where the case id goes (https://portal.example.com/case/{id}). */
export const optionalCaseUrlTemplate = () =>
  z
    .url({
      protocol: /^https?$/,
      message:
        'expected an http(s) URL with {id} where the case id goes, such as https://portal.example.com/case/{id}',
    })
    .refine((template) => template.includes('{id}'), 'expected {id} where the case id goes')
    .optional();

export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const positiveNumber = (fallback: number, what = 'a positive number') =>
  z.coerce
    .number({ message: `expected ${what}` })
    .positive(`expected ${what}`)
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .positive()
    .default(fallback);

const DURATION_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** A length of time as `90s`, `15m`, `15min` or `2h` (a bare number is minutes), read as milliseconds. */
export const duration = (fallbackMs: number) =>
  z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined || text.trim() === '') return fallbackMs;
      const match = /^(\d+(?:\.\d+)?)\s*(s|m|min|h)?$/i.exec(text.trim());
      const ms = match ? Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 'm').toLowerCase()]! : Number.NaN;
      if (!(ms > 0)) {
        context.addIssue({ code: 'custom', message: 'expected a length of time such as 15m, 90s or 1h' });
        return z.NEVER;
      }
      return Math.round(ms);
    });

/** "B: required when A is set" (or the other way round) when only one of two variables is set. */
export function requiredTogether<E extends Record<string, unknown>>(
  env: E,
  a: keyof E & string,
  b: keyof E & string,
): string[] {
  if (Boolean(env[a]) === Boolean(env[b])) return [];
  return [`${env[a] ? b : a}: required when ${env[a] ? a : b} is set`];
}
