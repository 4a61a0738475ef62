/**
 * An enrollment link opened in a tab that is already open changes only the address's hash: the
 * station enrolls then, without a reload, and says in the screen's language why a link failed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from '../../client/i18n/en';
import { th } from '../../client/i18n/th';
import type { StationFetch } from '../../client/net/station-fetch';
import type { Enrollment, LinkPage } from '../../client/station/enrollment';
import { followEnrollmentLinks } from '../../client/station/enrollment';
import { MemoryStorage } from './support/station-fixture';

/** An open tab: its address, and the hashchange listeners the browser would call. */
function openTab(url: string) {
  const address = new URL(url);
  const listeners = new Set<() => void>();
  const replaced: string[] = [];
  vi.stubGlobal('history', { replaceState: (_s: unknown, _t: string, to: string) => replaced.push(to) });
  const page: LinkPage = {
    location: {
      get hash() {
        return address.hash;
      },
      get pathname() {
        return address.pathname;
      },
      get search() {
        return address.search;
      },
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  return {
    page,
    replaced,
    listening: () => listeners.size,
    /** The person opens a link to this page with another hash: only the hash changes. */
    open(hash: string) {
      address.hash = hash;
      for (const listener of listeners) listener();
    },
  };
}

/** A server that answers the enrollment request with `answer`, and counts the requests. */
function server(answer: Awaited<ReturnType<StationFetch>>) {
  const asked: unknown[] = [];
  const stationFetch = ((request: { body?: unknown }) => {
    asked.push(request.body);
    return Promise.resolve(answer);
  }) as StationFetch;
  return { stationFetch, asked };
}

/** The next enrollment `followEnrollmentLinks` reports. */
function nextEnrollment(): { seen: Promise<Enrollment>; onEnrolled: (e: Enrollment) => void } {
  let onEnrolled: (e: Enrollment) => void = () => undefined;
  const seen = new Promise<Enrollment>((resolve) => (onEnrolled = resolve));
  return { seen, onEnrolled };
}

afterEach(() => vi.unstubAllGlobals());

describe('an enrollment link opened in an open tab', () => {
  it('ST-6: enrolls on the hash change, with no reload, and takes the code out of the address', async () => {
    const tab = openTab('https://edge.local:8443/');
    const storage = new MemoryStorage();
    storage.setItem('scan-station.snapshot', '{"old":"station"}');
    const { stationFetch, asked } = server({
      ok: true,
      value: { station: 'TABLET-9', token: 'st_new' },
    } as never);
    const { seen, onEnrolled } = nextEnrollment();
    const stop = followEnrollmentLinks(tab.page, storage, stationFetch, onEnrolled);

    tab.open('#other'); // a hash that is not a link: nothing is asked
    expect(asked).toEqual([]);
    tab.open('#enroll=enr_abc');
    expect(await seen).toEqual({ token: 'st_new', problem: null });
    expect(asked).toEqual([{ code: 'enr_abc' }]);
    expect(storage.getItem('scan-station.token')).toBe('st_new');
    expect(storage.getItem('scan-station.snapshot')).toBeNull(); // the previous station's cache goes
    expect(tab.replaced).toEqual(['/']);

    stop();
    expect(tab.listening()).toBe(0);
  });

  it('ST-6, ST-13: a used link or no server is said in the screen’s language', async () => {
    const cases = [
      {
        answer: {
          ok: false,
          problem: { kind: 'http', status: 404, retryAfterMs: 0, code: 'NOT_FOUND', message: 'used' },
        },
        words: [en.pages.notEnrolled.linkUsed, th.pages.notEnrolled.linkUsed],
      },
      {
        answer: { ok: false, problem: { kind: 'network', message: 'fetch failed' } },
        words: [en.pages.notEnrolled.unreachable, th.pages.notEnrolled.unreachable],
      },
      {
        answer: {
          ok: false,
          problem: { kind: 'http', status: 500, retryAfterMs: 0, code: null, message: null },
        },
        words: [en.pages.notEnrolled.refused({ status: 500 }), th.pages.notEnrolled.refused({ status: 500 })],
      },
    ] as const;
    for (const { answer, words } of cases) {
      const tab = openTab('https://edge.local:8443/');
      const { stationFetch } = server(answer);
      const { seen, onEnrolled } = nextEnrollment();
      followEnrollmentLinks(tab.page, new MemoryStorage(), stationFetch, onEnrolled);
      tab.open('#enroll=enr_used');
      const { token, problem } = await seen;
      expect(token).toBeNull();
      expect([problem?.(en), problem?.(th)]).toEqual(words);
    }
    expect(en.pages.notEnrolled.linkUsed).toContain('already used');
    expect(th.pages.notEnrolled.linkUsed).toMatch(/[\u0E00-\u0E7F]/);
  });
});
