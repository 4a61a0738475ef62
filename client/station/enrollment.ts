/**
 * @module This browser's station credential. An enrollment link (`/#enroll=enr_…`) carries a
 * one-time code that is exchanged, once, for a credential of this browser's own; the credential
 * is then kept. (A link may also carry a station token itself, as tools and tests use.)
 */
import type { StationFetch } from '../net/station-fetch';
import { enrollAnswerSchema } from '../../shared/station-api';

/**
 * POST /api/v1/enroll's answer, read for the credential only. (Its place is beside the other
 * answers in shared/station-api.ts, which this change does not own.)
 */

const KEY = 'scan-station.token';
/** What belongs to the station a credential names; a different credential starts without it. */
const STATION_STATE_KEYS = ['scan-station.snapshot', 'scan-station.local-overlay', 'scan-station.operators'];

/**
 * Keeps a new credential, and forgets the previous station's cached work list, local view and
 * operators when it changes: a snapshot delta since the old station's cursor would miss what the
 * new station should see. (The outbox stays: events queued before go out under the new credential
 * and, if it does not serve their nodes, are refused and listed, never dropped silently.)
 */
function keepCredential(storage: Storage, token: string): void {
  if (storage.getItem(KEY) !== token) for (const key of STATION_STATE_KEYS) storage.removeItem(key);
  storage.setItem(KEY, token);
}

export interface Enrollment {
  token: string | null;
  /** Why a link did not enroll this browser, in words for the person holding the tablet. */
  problem: string | null;
}

/** `stationFetch` without a credential: the link's one-time code is the credential here. */
export async function enroll(
  location: Location,
  storage: Storage,
  stationFetch: StationFetch,
): Promise<Enrollment> {
  const match = /(?:^#|&)enroll=([^&]+)/.exec(location.hash);
  let problem: string | null = null;
  if (match?.[1]) {
    const value = decodeURIComponent(match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    if (value.startsWith('enr_')) {
      const answer = await stationFetch({
        method: 'POST',
        path: '/api/v1/enroll',
        body: { code: value },
        answer: enrollAnswerSchema,
      });
      if (answer.ok) keepCredential(storage, answer.value.token);
      else if (answer.problem.kind === 'network')
        problem = 'The edge server cannot be reached to enroll this tablet; open the link again when online';
      else if (answer.problem.kind === 'http' && answer.problem.message) problem = answer.problem.message;
      else problem = `The enrollment link was refused (${answer.problem.status})`;
    } else {
      keepCredential(storage, value);
    }
  }
  return { token: storage.getItem(KEY), problem };
}
