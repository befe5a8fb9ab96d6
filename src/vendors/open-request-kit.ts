/** zod pieces the vendors' open-request schemas share, so their messages read alike. */
import * as z from 'zod';

export const trimmed = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? `${what} is required.` : `${what} needs at least ${min} characters.`)
    .max(max, `${what} can be at most ${max} characters.`);

export const email = (what: string) => z.email(`${what} must be an e-mail address like name@example.com.`);

/** The first line of a text, for one-line fields (subject, synopsis). */
export function firstLine(text: string | undefined, max: number): string | undefined {
  const line = text
    ?.split('\n')
    .find((l) => l.trim().length > 0)
    ?.trim();
  if (!line) return undefined;
  if (line.length <= max) return line;
  // Never cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(line.charAt(max - 2)) ? max - 2 : max - 1;
  return `${line.slice(0, end)}…`;
}
