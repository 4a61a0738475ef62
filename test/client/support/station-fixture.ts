/**
 * The station's models wired as the app wires them (models/station-models.ts), with fakes for the
 * browser: storage in memory, the in-memory outbox, a fake clock and fetch, a sync loop that only
 * counts, and the tone recorded instead of played. A station at CUT and ASSEMBLE of the bag routing.
 */
import { vi } from 'vitest';
import type { StationFetch } from '../../../client/net/station-fetch';
import { FeedbackModel } from '../../../client/models/feedback-model';
import { OperatorSessionModel } from '../../../client/models/operator-session-model';
import { Recorder } from '../../../client/models/recorder';
import { ScanRouterModel } from '../../../client/models/scan-router-model';
import { StationViewModel } from '../../../client/models/station-view-model';
import { emptyMemoryOutbox, MemoryOutbox } from '../../../client/outbox/memory-outbox';
import { createDuplicateFilter } from '../../../client/scan/duplicate-filter';
import { saveCachedSnapshot } from '../../../client/station/snapshot-cache';
import type { Snapshot, SnapshotToken } from '../../../shared/station-api';
import { loadGraph } from '../../support/shared-fixtures';

export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

export function token(id: number, fields: Partial<SnapshotToken> = {}): SnapshotToken {
  return {
    id,
    code: `BV-${id}`,
    branch: null,
    routing: 'BAG-TOTE',
    nodeCode: 'CUT',
    status: 'ready',
    qty: 1,
    processMode: 'piece',
    ticket: 'T-1',
    operator: null,
    statusSince: '2026-11-22T08:00:00.000Z',
    ...fields,
  };
}

export function stationSnapshot(fields: Partial<Snapshot> = {}): Snapshot {
  return {
    cursor: '1.1',
    full: true,
    serverTime: '2026-11-22T08:00:00.000Z',
    station: {
      name: 'LINE-A',
      workCenter: null,
      nodes: [
        { routing: 'BAG-TOTE', routingVersion: 3, nodeCode: 'CUT', name: 'Cut panels', behavior: 'CUT' },
        {
          routing: 'BAG-TOTE',
          routingVersion: 3,
          nodeCode: 'ASSEMBLE',
          name: 'Assemble bag',
          behavior: null,
        },
      ],
    },
    routings: [loadGraph('bag-dag')],
    operators: [
      { badge: 'OP-1', name: 'Ana', pinHash: null },
      { badge: 'OP-2', name: 'Bo', pinHash: null },
    ],
    tokens: [
      token(1),
      token(2),
      token(3, { branch: 'EDGE-BODY' }),
      token(4, { code: 'BV-3', branch: 'STITCH-STRAP' }),
    ],
    removed: [],
    ...fields,
  };
}

export const START_MS = Date.parse('2026-11-22T09:00:00.000Z');

export interface StationOptions {
  snapshot?: Snapshot | null;
  storage?: MemoryStorage;
  outbox?: MemoryOutbox;
  fetch?: StationFetch;
  verifyPin?: (pin: string, hash: string) => Promise<boolean>;
}

export function station(options: StationOptions = {}) {
  const clock = { nowMs: START_MS, online: true };
  const now = () => clock.nowMs;
  const storage = options.storage ?? new MemoryStorage();
  const snapshot = options.snapshot === undefined ? stationSnapshot() : options.snapshot;
  if (snapshot) saveCachedSnapshot(storage, snapshot);
  const outbox = options.outbox ?? new MemoryOutbox(emptyMemoryOutbox());
  const signal = vi.fn();
  const feedback = new FeedbackModel(signal);
  const session = new OperatorSessionModel({
    storage,
    now,
    feedback,
    ...(options.verifyPin ? { verifyPin: options.verifyPin } : {}),
  });
  const stationFetch: StationFetch =
    options.fetch ?? (() => Promise.resolve({ ok: false, problem: { kind: 'network', message: 'offline' } }));
  const view = new StationViewModel({ outbox, storage, stationFetch, now });
  const sync = { outboxChanged: vi.fn(() => Promise.resolve()) };
  let ids = 0;
  const recorder = new Recorder({
    outbox,
    session,
    view,
    feedback,
    sync,
    duplicates: createDuplicateFilter(),
    now,
    isOnline: () => clock.online,
    newId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
  });
  const router = new ScanRouterModel({ session, view, recorder, feedback });
  return { clock, storage, outbox, signal, feedback, session, view, sync, recorder, router };
}

/** Lets every pending promise settle (IndexedDB-like reads, the recorder's follow-ups). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
