/**
 * @module The supervisor console's English catalogue, the source its Thai is typed from. It reuses
 * the station's token words by import and adds the console's own sentences, so the station app's
 * first download never carries console text (client/i18n/en stays the station's).
 */
import { plural } from '../../i18n/plural';
import { words } from '../../i18n/en/words';
import { inboxEn } from './areas/inbox';
import { traceEn } from './areas/trace';
import { figuresEn } from './areas/figures';
import { stationsEn } from './areas/stations';
import { displaysEn } from './areas/displays';
import { wallEn } from './areas/wall';
import { firstAdminEn } from './areas/first-admin';
import { routingsEn } from './areas/routings';
import { ticketsEn } from './areas/tickets';
import { labelsEn } from './areas/labels';
import { peopleEn } from './areas/people';
import { printersEn } from './areas/printers';
import { changesEn } from './areas/changes';

const duration = {
  seconds: (p: { n: number }) => `${p.n} s`,
  minutes: (p: { n: number }) => `${p.n} min`,
  hours: (p: { h: number; m: number }) => `${p.h} h ${p.m} min`,
};

export const consoleEn = {
  words,
  inbox: inboxEn,
  trace: traceEn,
  figures: figuresEn,
  stations: stationsEn,
  displays: displaysEn,
  wall: wallEn,
  firstAdmin: firstAdminEn,
  routings: routingsEn,
  tickets: ticketsEn,
  labels: labelsEn,
  people: peopleEn,
  printers: printersEn,
  changes: changesEn,
  duration,
  app: {
    name: 'Supervisor console',
    board: 'Floor board',
    signOut: 'Sign out',
    signedInAs: (p: { username: string }) => `Signed in as ${p.username}`,
    pages: 'Pages',
    floorPages: 'Floor',
    deskPages: 'Planning desk',
    deskLoading: 'Opening the planning desk…',
    deskFailed: 'Could not load this page. Check the network, then reload.',
    page: {
      board: 'Floor board',
      inbox: 'Exceptions',
      trace: 'Trace a serial',
      figures: 'Shift figures',
      stations: 'Stations',
      displays: 'Wall displays',
      routings: 'Routings',
      tickets: 'Job tickets',
      labels: 'Labels and travelers',
      people: 'Stations and people',
      printers: 'Label printers',
      changes: 'Change log',
    },
  },
  signIn: {
    heading: 'Sign in to the supervisor console',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signingIn: 'Signing in…',
    checking: 'Checking whether you are signed in…',
    wrongPassword: 'Wrong username or password. Check both and try again.',
    throttled: (p: { seconds: number }) =>
      `Too many failed sign-ins. Wait ${p.seconds} ${plural(p.seconds, { one: 'second', other: 'seconds' })}, then try again.`,
    notAllowed: 'This account may not open the supervisor console. Ask an admin.',
    unreachable: 'The edge server did not answer. Check the network and try again.',
    ended: 'Your session ended. Sign in again.',
  },
  live: {
    connecting: 'Connecting…',
    live: 'Live',
    lastChange: (p: { time: string }) => `Live · last change ${p.time}`,
    asOf: (p: { time: string }) => `As of ${p.time} · reconnecting`,
  },
  filters: {
    heading: 'Filters',
    routing: 'Routing',
    ticket: 'Ticket',
    workCenter: 'Work center',
    all: 'All',
    apply: 'Apply',
    clear: 'Clear filters',
  },
  board: {
    loading: 'Loading the floor…',
    failed: 'Could not load the board. Trying again…',
    empty: 'No routing matches these filters.',
    routing: (p: { name: string; code: string; version: number }) =>
      `${p.name} (${p.code}, version ${p.version})`,
    totals: (p: { ready: number; active: number; paused: number; waiting: number }) =>
      `On the floor: ${p.ready} ready, ${p.active} active, ${p.paused} paused, ${p.waiting} waiting`,
    unsent: (p: { stations: number; events: number }) =>
      `${p.stations} ${plural(p.stations, { one: 'station holds', other: 'stations hold' })} ${p.events} unsent ${plural(p.events, { one: 'event', other: 'events' })}: figures may still change`,
    allSent: 'Every station has sent its events',
    allSentReporting: 'Every reporting station has sent its events',
    notReporting: (p: { n: number }) =>
      `${p.n} ${plural(p.n, { one: 'station is', other: 'stations are' })} not reporting: what ${plural(p.n, { one: 'it holds', other: 'they hold' })} is unknown`,
    neverReported: (p: { n: number }) =>
      `${p.n} ${plural(p.n, { one: 'station has', other: 'stations have' })} never reported`,
    unsentUnknown: 'Unsent events at stations: not reported yet, figures may still change',
    ready: 'Ready',
    active: 'Active',
    paused: 'Paused',
    waiting: 'Waiting at join',
    oldestWait: (p: { duration: string }) => `Oldest wait ${p.duration}`,
    noWait: 'Nothing waiting',
    doneHour: (p: { units: number }) => `This hour: ${p.units} done`,
    doneShift: (p: { units: number }) => `This shift: ${p.units} done`,
    /** SV-17: done against the node's target (the hour's target; the shift's so far). */
    doneHourOf: (p: { units: number; target: number }) => `This hour: ${p.units} of\u00a0${p.target}`,
    doneShiftOf: (p: { units: number; target: number }) => `This shift: ${p.units} of\u00a0${p.target}`,
    behind: (p: { units: number }) => `Behind target by ${p.units}`,
    starved: 'Starved: nothing ready, work waits upstream',
    blocked: (p: { limit: number }) => `Blocked: more than ${p.limit} ready`,
    flowing: 'Flowing',
    activeBy: (p: { code: string; operator: string; duration: string }) =>
      `${p.code} · ${p.operator} · ${p.duration}`,
    activeNobody: (p: { code: string; duration: string }) => `${p.code} · ${p.duration}`,
    moreActive: (p: { n: number }) => `and ${p.n} more`,
    workCenter: (p: { code: string }) => `Work center ${p.code}`,
  },
};

export type ConsoleCatalogue = typeof consoleEn;
/** What a console model says, worded when shown (see client/i18n/catalogue.ts `Text`). */
export type ConsoleText = (t: ConsoleCatalogue) => string;
