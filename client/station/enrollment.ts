/**
 * @module This browser's station credential. An enrollment link (`/#enroll=enr_…`) carries a
 * one-time code that is exchanged, once, for a credential of this browser's own; the credential
 * is then kept. (A link may also carry a station token itself, as tools and tests use.) A link
 * opened in a tab that is already open changes only the hash: `followEnrollmentLinks` enrolls then,
 * without a reload.
 */
import type { Text } from '../i18n/catalogue';
import type { StationFetch } from '../net/station-fetch';
import { enrollAnswerSchema } from '../../shared/station-api';

const KEY = 'scan-station.token';
/** What belongs to the station a credential names; a different credential starts without it. */
const STATION_STATE_KEYS = ['scan-station.snapshot', 'scan-station.local-overlay', 'scan-station.operators'];
const LINK = /(?:^#|&)enroll=([^&]+)/;

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
  problem: Text | null;
}

/** Whether the page's address carries an enrollment link. */
export function carriesEnrollmentLink(location: Pick<Location, 'hash'>): boolean {
  return LINK.test(location.hash);
}

/** `stationFetch` without a credential: the link's one-time code is the credential here. */
export async function enroll(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  storage: Storage,
  stationFetch: StationFetch,
): Promise<Enrollment> {
  const match = LINK.exec(location.hash);
  let problem: Text | null = null;
  if (match?.[1]) {
    const value = decodeURIComponent(match[1]);
    // The code is spent by this request: it must not stay in the address bar or the history.
    history.replaceState(null, '', location.pathname + location.search);
    if (value.startsWith('enr_')) {
      const answer = await stationFetch({
        method: 'POST',
        path: '/api/v1/enroll',
        body: { code: value },
        answer: enrollAnswerSchema,
      });
      if (answer.ok) keepCredential(storage, answer.value.token);
      else if (answer.problem.kind === 'network') problem = (t) => t.pages.notEnrolled.unreachable;
      else if (answer.problem.kind === 'http' && answer.problem.code === 'NOT_FOUND')
        problem = (t) => t.pages.notEnrolled.linkUsed;
      else {
        const { status } = answer.problem;
        problem = (t) => t.pages.notEnrolled.refused({ status });
      }
    } else {
      keepCredential(storage, value);
    }
  }
  return { token: storage.getItem(KEY), problem };
}

/** The page's parts `followEnrollmentLinks` uses (the window in the app, a fake in tests). */
export interface LinkPage {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/**
 * An enrollment link opened in this tab once it is open (only the hash changes, so the page does
 * not load again): enrolls, then tells `onEnrolled` the new credential or why it failed. Returns
 * what stops listening.
 */
export function followEnrollmentLinks(
  page: LinkPage,
  storage: Storage,
  stationFetch: StationFetch,
  onEnrolled: (enrollment: Enrollment) => void,
): () => void {
  const changed = () => {
    if (!carriesEnrollmentLink(page.location)) return;
    void enroll(page.location, storage, stationFetch).then(onEnrolled);
  };
  page.addEventListener('hashchange', changed);
  return () => page.removeEventListener('hashchange', changed);
}
