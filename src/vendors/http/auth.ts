/** How a vendor call is authorised. The client asks for headers per call and reports when they were refused. */
import type { TokenCache } from './token-cache.js';

export interface Authorization {
  headers: Record<string, string>;
  /** The vendor answered 401 to these headers: drop them so the next call gets fresh ones. */
  refused(): void;
  /** Whether asking again could give different headers (a token can be refreshed; Basic credentials cannot). */
  refreshable: boolean;
}

export interface AuthStrategy {
  authorize(): Promise<Authorization>;
}

export function bearerAuth(tokens: TokenCache, scheme = 'Bearer'): AuthStrategy {
  return {
    async authorize() {
      const token = await tokens.get();
      return {
        headers: { authorization: `${scheme} ${token}` },
        refused: () => tokens.invalidate(token),
        refreshable: true,
      };
    },
  };
}

export function basicAuth(username: string, password: string): AuthStrategy {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return {
    async authorize() {
      return { headers: { authorization: value }, refused: () => {}, refreshable: false };
    },
  };
}

/** A fixed header such as Motadata's `Authorization: Apikey <key>`. */
export function staticHeaderAuth(name: string, value: string): AuthStrategy {
  return {
    async authorize() {
      return { headers: { [name.toLowerCase()]: value }, refused: () => {}, refreshable: false };
    },
  };
}
