/**
 * @module This browser's station credential. An enrollment link (`/#enroll=enr_…`) carries a
 * one-time code that is exchanged, once, for a credential of this browser's own; the credential
 * is then kept. (A link may also carry a station token itself, as tools and tests use.)
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

export async function enroll(location: Location, storage: Storage): Promise<Enrollment> {
  const match = /(?:^#|&)enroll=([^&]+)/.exec(location.hash);
  let problem: string | null = null;
  if (match?.[1]) {
    const value = decodeURIComponent(match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    if (value.startsWith('enr_')) {
      try {
        const res = await fetch('/api/v1/enroll', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: value }),
        });
        const body = (await res.json()) as { token?: string; error?: { message?: string } };
        if (res.status === 200 && body.token) keepCredential(storage, body.token);
        else problem = body.error?.message ?? `The enrollment link was refused (${res.status})`;
      } catch {
        problem = 'The edge server cannot be reached to enroll this tablet; open the link again when online';
      }
    } else {
      keepCredential(storage, value);
    }
  }
  return { token: storage.getItem(KEY), problem };
}
