/**
 * @module This browser's station credential. An enrollment link (`/#enroll=enr_…`) carries a
 * one-time code that is exchanged, once, for a credential of this browser's own; the credential
 * is then kept. (A link may also carry a station token itself, as tools and tests use.)
 */
const KEY = 'scan-station.token';

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
        if (res.status === 200 && body.token) storage.setItem(KEY, body.token);
        else problem = body.error?.message ?? `The enrollment link was refused (${res.status})`;
      } catch {
        problem = 'The edge server cannot be reached to enroll this tablet; open the link again when online';
      }
    } else {
      storage.setItem(KEY, value);
    }
  }
  return { token: storage.getItem(KEY), problem };
}
