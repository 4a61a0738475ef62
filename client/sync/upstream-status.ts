/**
 * @module "Forwarded upstream" for the station's own events: asks the edge server which delivered
 * events it has passed on (GET /api/v1/station/upstream?ids=…) and marks them, a page of ids
 * at a time (the ids go in the URL).
 */
import type { OutboxStore } from '../db/outbox-store';

const IDS_PER_REQUEST = 100;

export async function refreshUpstreamStates(
  baseUrl: string,
  stationToken: string,
  outbox: OutboxStore,
  now: () => Date,
): Promise<number> {
  const waiting = await outbox.awaitingUpstream(IDS_PER_REQUEST);
  if (waiting.length === 0) return 0;
  const url = new URL('/api/v1/station/upstream', baseUrl);
  url.searchParams.set('ids', waiting.map((e) => e.id).join(','));
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${stationToken}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) return 0;
  const body = (await res.json()) as { upstream: string; events: { id: string; status: string }[] };
  const forwarded = body.events.filter((e) => e.status === 'forwarded').map((e) => e.id);
  await outbox.markForwarded(forwarded, now().toISOString());
  return forwarded.length;
}
