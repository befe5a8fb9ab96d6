/**
 * A span per store call (`store.<method>`), wrapped around the Store the composition root built. Attributes:
 * the database system, the method, and the vendor, case id and channel the call is about, read from the
 * arguments by name or position. No other argument is looked at: notes, audit details and write results never
 * reach a span. `ping` is left out: the readiness probe would fill traces with it.
 */
import type { Store } from '../domain/ports/store.js';
import { ATTR, type SpanAttributes, type Tracing } from './tracing.js';

type Id = 'vendor' | 'caseId' | 'channelId';

/** Methods whose leading arguments are ids, in order. Others take an object read by field name. */
const POSITIONAL: Partial<Record<keyof Store, Id[]>> = {
  removeWatch: ['vendor', 'caseId', 'channelId'],
  watchesInChannel: ['channelId'],
  watchesOfCase: ['vendor', 'caseId'],
  getSnapshot: ['vendor', 'caseId'],
  recordSyncFailure: ['vendor', 'caseId'],
  eventsForChannel: ['channelId'],
  getDigestSettings: ['channelId'],
  advanceDigestCursor: ['channelId'],
  auditForCase: ['vendor', 'caseId'],
  cardsFor: ['vendor', 'caseId'],
  cardAt: ['channelId'],
};

const UNTRACED = new Set<string | symbol>(['ping', 'dialect', 'then']);

const ATTRIBUTE: Record<Id, string> = {
  vendor: ATTR.vendor,
  caseId: ATTR.caseId,
  channelId: ATTR.channelId,
};

function idsOf(method: string, args: unknown[]): SpanAttributes {
  const ids: SpanAttributes = {};
  const positional = POSITIONAL[method as keyof Store];
  if (positional) {
    positional.forEach((id, index) => {
      const value = args[index];
      if (typeof value === 'string') ids[ATTRIBUTE[id]] = value;
    });
    return ids;
  }
  const first = args[0] as Record<string, unknown> | undefined;
  if (!first || typeof first !== 'object' || Array.isArray(first)) return ids;
  // A Case (recordObservation, observeCase) calls its id `id`; every stored record calls it `caseId`.
  const caseId = method === 'recordObservation' || method === 'observeCase' ? first.id : first.caseId;
  for (const [id, value] of [
    ['vendor', first.vendor],
    ['caseId', caseId],
    ['channelId', first.channelId],
  ] as const) {
    if (typeof value === 'string') ids[ATTRIBUTE[id]] = value;
  }
  return ids;
}

export function traceStore(store: Store, tracing: Tracing): Store {
  if (!tracing.enabled) return store;
  const system = store.dialect === 'postgres' ? 'postgresql' : 'sqlite';
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || UNTRACED.has(property)) return value;
      return (...args: unknown[]) =>
        tracing.inSpan(
          `store.${property}`,
          {
            kind: 'client',
            attributes: { [ATTR.dbSystem]: system, [ATTR.dbOperation]: property, ...idsOf(property, args) },
          },
          async () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
        );
    },
  });
}
