/** @module This browser's station credential: taken once from an enrollment link (#enroll=<token>), then kept. */
const KEY = 'scan-station.token';

export function takeEnrollment(location: Location, storage: Storage): string | null {
  const match = /(?:^#|&)enroll=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem(KEY);
}
