/**
 * @module "Forwarded upstream" for the station's own events: asks the edge server which delivered
 * events it has passed on (GET /api/v1/station/upstream?ids=…) and marks them, a page of ids
 * at a time (the ids go in the URL).
 */
import { upstreamStatusSchema } from '../../shared/station-api';
import type { StationFetch, StationResult } from '../net/station-fetch';
import type { Outbox } from '../outbox/outbox';

const IDS_PER_REQUEST = 100;

/** How many events were found forwarded, or why the edge server could not say. */
export async function refreshUpstreamStates(
  stationFetch: StationFetch,
  outbox: Pick<Outbox, 'awaitingUpstream' | 'markForwarded'>,
  now: () => Date,
): Promise<StationResult<number>> {
  const waiting = await outbox.awaitingUpstream(IDS_PER_REQUEST);
  if (waiting.length === 0) return { ok: true, value: 0 };
  const answer = await stationFetch({
    path: '/api/v1/station/upstream',
    query: { ids: waiting.map((e) => e.id).join(',') },
    answer: upstreamStatusSchema,
  });
  if (!answer.ok) return answer;
  const forwarded = answer.value.events.filter((e) => e.status === 'forwarded').map((e) => e.id);
  await outbox.markForwarded(forwarded, now().toISOString());
  return { ok: true, value: forwarded.length };
}
