/**
 * Credentials this process has sent to a vendor, so a vendor that quotes them back ("invalid client_secret
 * X", an HTML error page echoing the Authorization header) cannot put them into an error a person reads.
 * Shared by every client: a token endpoint is called through its own client, and the API client must still
 * mask the client secret if the API answer quotes it. Bounded: only the most recent values are kept.
 */
import { REDACTED } from '../../logging/logger.js';

const SECRET_FIELD = /(token|secret|password|passwd|api[-_]?key|apikey|assertion|credential)/i;
const MAX_REMEMBERED = 256;
/** Shorter values would mask ordinary words; no credential caseops is configured with is this short. */
const MIN_LENGTH = 6;

const remembered = new Set<string>();
/** `remembered`, longest first, sorted once per change: masking runs on every answer. */
let longestFirst: string[] | undefined;

function remember(value: string): void {
  if (value.length < MIN_LENGTH) return;
  if (remembered.has(value)) {
    remembered.delete(value);
    remembered.add(value);
    return;
  }
  remembered.add(value);
  longestFirst = undefined;
  if (remembered.size > MAX_REMEMBERED) {
    const oldest = remembered.values().next().value;
    if (oldest !== undefined) remembered.delete(oldest);
  }
}

function secretsLongestFirst(): string[] {
  longestFirst ??= [...remembered].sort((a, b) => b.length - a.length);
  return longestFirst;
}

/** A Base64 value that decodes to printable text (Basic credentials, Juniper's encoded case password). */
function decodedBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded) ? decoded : undefined;
}

function rememberSecretValue(value: string): void {
  remember(value);
  const decoded = decodedBase64(value);
  if (decoded === undefined) return;
  remember(decoded);
  // Basic credentials are "user:password"; the user name alone is no secret.
  const colon = decoded.indexOf(':');
  if (colon >= 0) remember(decoded.slice(colon + 1));
}

/** Notes the credentials in one outgoing request: the Authorization header and credential-named body fields. */
export function rememberSentCredentials(headers: Record<string, string>, body: unknown): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' && !SECRET_FIELD.test(name)) continue;
    remember(value);
    const bare = value.replace(/^\S+\s+/, '');
    if (bare !== value) rememberSecretValue(bare);
  }
  rememberFields(body, 0);
}

function rememberFields(value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 6) return;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && SECRET_FIELD.test(key)) rememberSecretValue(inner);
    else rememberFields(inner, depth + 1);
  }
}

/** A credential-named field in JSON or form text ("access_token":"…", client_secret=…): its value. */
const SECRET_ASSIGNMENT = new RegExp(
  `((?:"[^"]*${SECRET_FIELD.source}[^"]*"\\s*:\\s*")|(?:\\b\\w*${SECRET_FIELD.source}\\w*=))([^"&\\s]+)`,
  'gi',
);

/**
 * `text` with every remembered credential masked, and the value of every credential-named field: an answer
 * may carry a credential caseops has not sent yet (a token in a failed token answer).
 */
export function maskSentCredentials(text: string): string {
  // Whole values first, longest first: masking a part of one (a client secret inside an odd token, a token
  // inside its header) would leave the rest of it readable.
  let out = text;
  for (const secret of secretsLongestFirst()) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(SECRET_ASSIGNMENT, (_match, name: string) => `${name}${REDACTED}`);
}

/**
 * An answer's text and the JSON parsed from it, both masked. The JSON is copied only when its text shows
 * something to mask (a remembered credential, a credential-named word, or an escape that could spell one
 * differently); an ordinary answer is handed on as it is, as every successful one is inspected.
 */
export function maskAnswer(text: string, json: unknown): { text: string; json: unknown } {
  const maskedText = maskSentCredentials(text);
  if (maskedText === text && !text.includes('\\') && !SECRET_FIELD.test(text)) return { text, json };
  return { text: maskedText, json: maskSentCredentialsIn(json) };
}

/** A parsed JSON answer with every remembered credential masked in its strings. */
export function maskSentCredentialsIn(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSentCredentials(value);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => maskSentCredentialsIn(item, depth + 1));
  // fromEntries keeps a "__proto__" key an ordinary field, as JSON.parse made it.
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      typeof inner === 'string' && SECRET_FIELD.test(key)
        ? REDACTED
        : maskSentCredentialsIn(inner, depth + 1),
    ]),
  );
}
