/**
 * @module The station's cached snapshot: a full snapshot replaces it; a delta (GET
 * /api/v1/station/snapshot?since=<cursor>) changes only the tokens that moved, and brings routings
 * and operators only when they changed. Pure, so the merge is tested without a browser.
 */
import type { Snapshot } from '../../shared/station-api';

export function mergeSnapshot(cached: Snapshot | null, incoming: Snapshot): Snapshot {
  if (incoming.full || !cached) return incoming;
  const gone = new Set([...incoming.removed, ...incoming.tokens.map((t) => t.id)]);
  const routings = incoming.routings ?? cached.routings;
  const operators = incoming.operators ?? cached.operators;
  return {
    ...incoming,
    full: true,
    ...(routings ? { routings } : {}),
    ...(operators ? { operators } : {}),
    tokens: [...cached.tokens.filter((t) => !gone.has(t.id)), ...incoming.tokens].sort((a, b) => a.id - b.id),
    removed: [],
  };
}

const SNAPSHOT_KEY = 'scan-station.snapshot';

/** The snapshot kept in localStorage, so the station opens with its work list offline. */
export function loadCachedSnapshot(storage: Storage): Snapshot | null {
  const cached = storage.getItem(SNAPSHOT_KEY);
  if (!cached) return null;
  try {
    return JSON.parse(cached) as Snapshot;
  } catch {
    return null; // a damaged cache is refetched in full
  }
}

export function saveCachedSnapshot(storage: Storage, snapshot: Snapshot): void {
  storage.setItem(SNAPSHOT_KEY, JSON.stringify(snapshot));
}

/** Fetches a delta since the cached cursor (or a full snapshot) and merges it. */
export async function pullSnapshot(
  baseUrl: string,
  stationToken: string,
  cached: Snapshot | null,
): Promise<Snapshot | null> {
  const url = new URL('/api/v1/station/snapshot', baseUrl);
  if (cached?.cursor) url.searchParams.set('since', cached.cursor);
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${stationToken}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) return null;
  return mergeSnapshot(cached, (await res.json()) as Snapshot);
}
