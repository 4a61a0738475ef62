/** @module The outbox opened on first use, so that its IndexedDB library is not in the first download (SPEC ST-12). */
import type { Outbox } from './outbox';

/**
 * An outbox that opens on first use: Dexie (about 25 KB gzipped) loads after the first screen
 * rather than with it, keeping the initial JavaScript within its budget. Each call waits for the
 * store and then is the store's own call, so every promise (a record resolves only once committed)
 * is the store's. A failed load (never expected: the chunk is precached) is tried again next call.
 */
export function lazyOutbox(load: () => Promise<Outbox>): Outbox {
  let store: Promise<Outbox> | null = null;
  const opened = (): Promise<Outbox> => {
    store ??= load().catch((error: unknown) => {
      store = null;
      throw error;
    });
    return store;
  };
  // The store's own method, called on the store (its methods use `this`).
  const call = <K extends keyof Outbox>(method: K): Outbox[K] =>
    ((...args: unknown[]) =>
      opened().then((outbox) =>
        (outbox[method] as (...a: unknown[]) => Promise<unknown>).apply(outbox, args),
      )) as Outbox[K];
  return {
    record: call('record'),
    nextQueued: call('nextQueued'),
    queued: call('queued'),
    pendingCount: call('pendingCount'),
    refused: call('refused'),
    recent: call('recent'),
    awaitingUpstream: call('awaitingUpstream'),
    update: call('update'),
    markForwarded: call('markForwarded'),
    retry: call('retry'),
    discard: call('discard'),
    prune: call('prune'),
  };
}
