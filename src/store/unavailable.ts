/**
 * Every store call that fails because the database is out of reach rejects with the domain's
 * StoreUnavailableError (the driver's error kept as its cause), so callers decide on one typed error instead of
 * reading driver codes.
 */
import { StoreUnavailableError } from '../domain/errors.js';
import type { Store } from '../domain/ports/store.js';
import { isDatabaseUnavailable } from './errors.js';

export function raisingUnavailable(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          throw isDatabaseUnavailable(error) ? new StoreUnavailableError(error) : error;
        }
      };
    },
  });
}
