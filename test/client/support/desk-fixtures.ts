/**
 * @module test/client/support/desk-fixtures
 * What the planning desk's page tests build on: a board answer (the desk reads its routings from
 * the floor board), the completeness of a floor where every station has sent everything, and the
 * props an admin's page is given (a hand-driven clock, a bus, a fetcher that is the fake server).
 */
import { vi } from 'vitest';
import type { Board } from '../../../shared/supervisor-api';
import { LiveBus } from '../../../client/console/models/live-bus';
import type { PageProps } from '../../../client/console/page';
import { FakeClock } from './fake-clock';

/** Every station has sent everything and none is quiet. */
export const ALL_SENT: Board['completeness'] = {
  stationsWithUnsent: 0,
  unsentEvents: 0,
  stationsQuiet: 0,
  stationsNeverReported: 0,
  quietAfterSeconds: 120,
  nextQuietAt: null,
};

/** A board answer at `now` with these routings, unfiltered, everything sent. */
export function deskBoard(
  now: string,
  routings: Board['routings'],
  fields: Partial<Pick<Board, 'cursor' | 'blockedQueue'>> = {},
): Board {
  return {
    cursor: 1,
    generatedAt: now,
    hourStart: now,
    shiftStart: now,
    blockedQueue: 0,
    filters: { routing: null, ticket: null, workCenter: null },
    routings,
    completeness: { ...ALL_SENT },
    ...fields,
  };
}

/** The props of a desk page signed in as the admin until `now`; any of them replaced by `fields`. */
export function adminPageProps(
  fetcher: typeof fetch,
  now: string,
  fields: Partial<PageProps> = {},
): PageProps {
  return {
    fetcher,
    session: { username: 'admin', role: 'admin', expiresAt: now },
    bus: new LiveBus(),
    clock: new FakeClock(now),
    param: null,
    go: () => {},
    signedOut: vi.fn(),
    ...fields,
  };
}
