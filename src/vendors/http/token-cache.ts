/**
 * Caches one bearer token per vendor: reused until shortly before it expires, fetched once however many calls
 * need it at the same moment, dropped when the vendor answers 401 so the next call fetches a fresh one.
 * A refused token request is never retried in a loop (Equinix locks the account after 5 failures in a row):
 * after a refusal, callers fail fast until `refusalCooldownMs` has passed.
 */
import { type Clock, systemClock } from '../../domain/ports/clock.js';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export interface TokenCacheOptions {
  fetchToken: () => Promise<IssuedToken>;
  /** Renew this long before the vendor's expiry. */
  earlyRenewalMs?: number;
  refusalCooldownMs?: number;
  /** Decides whether a fetch error means "credentials refused" (cool down) or a passing failure. */
  isRefusal?: (error: unknown) => boolean;
  clock?: Clock;
  onRefresh?: () => void;
}

export class TokenCache {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;
  private refusal?: { error: unknown; until: number };
  private readonly options: Required<Omit<TokenCacheOptions, 'onRefresh'>> &
    Pick<TokenCacheOptions, 'onRefresh'>;

  constructor(options: TokenCacheOptions) {
    this.options = {
      ...options,
      // `?? default` rather than spreading over defaults: an explicit `undefined` must not erase a default.
      earlyRenewalMs: options.earlyRenewalMs ?? 60_000,
      refusalCooldownMs: options.refusalCooldownMs ?? 5 * 60_000,
      isRefusal: options.isRefusal ?? (() => false),
      clock: options.clock ?? systemClock,
    };
  }

  async get(): Promise<string> {
    const now = this.options.clock.now();
    if (this.current && now < this.current.expiresAt) return this.current.token;
    if (this.refusal && now < this.refusal.until) throw this.refusal.error;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget `token` (the vendor refused it). A newer token fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async fetch(): Promise<string> {
    try {
      const issued = await this.options.fetchToken();
      const lifetimeMs = Math.max(0, issued.expiresInSeconds * 1000);
      // Short-lived tokens: renew at half-life rather than never caching them.
      const margin = Math.min(this.options.earlyRenewalMs, lifetimeMs / 2);
      this.current = { token: issued.accessToken, expiresAt: this.options.clock.now() + lifetimeMs - margin };
      this.refusal = undefined;
      this.options.onRefresh?.();
      return issued.accessToken;
    } catch (error) {
      if (this.options.isRefusal(error)) {
        this.refusal = { error, until: this.options.clock.now() + this.options.refusalCooldownMs };
      }
      throw error;
    }
  }
}
