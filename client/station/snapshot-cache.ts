/**
 * @module The station's cached snapshot: a full snapshot replaces it; a delta (GET
 * /api/v1/station/snapshot?since=<cursor>) changes only the tokens that moved, and brings routings
 * and operators only when they changed. The merge is pure, so it is tested without a browser.
 */
import type { Snapshot } from '../../shared/station-api';
import { snapshotSchema } from '../../shared/station-api';
import type { StationFetch, StationResult } from '../net/station-fetch';

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

/**
 * The snapshot kept in localStorage, so the station opens with its work list offline. A damaged
 * cache, or one an older app wrote in another shape, counts as none: the next pull is a full one.
 */
export function loadCachedSnapshot(storage: Pick<Storage, 'getItem'>): Snapshot | null {
  const cached = storage.getItem(SNAPSHOT_KEY);
  if (!cached) return null;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(cached));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveCachedSnapshot(storage: Pick<Storage, 'setItem'>, snapshot: Snapshot): void {
  storage.setItem(SNAPSHOT_KEY, JSON.stringify(snapshot));
}

/** Fetches a delta since the cached cursor (or a full snapshot) and merges it. */
export async function pullSnapshot(
  stationFetch: StationFetch,
  cached: Snapshot | null,
): Promise<StationResult<Snapshot>> {
  const answer = await stationFetch({
    path: '/api/v1/station/snapshot',
    ...(cached?.cursor ? { query: { since: cached.cursor } } : {}),
    answer: snapshotSchema,
  });
  return answer.ok ? { ok: true, value: mergeSnapshot(cached, answer.value) } : answer;
}
