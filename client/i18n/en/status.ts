/**
 * The status part of the English catalogue (the source: Thai is typed from it): the status band,
 * what each outcome looks like, the refusal banner, the refused and recent lists, the stall alarm
 * and the update notice.
 */
import { plural } from '../plural';

export const status = {
  band: {
    /** The connection in a few words, large, by state. */
    state: {
      online: 'Online',
      syncing: 'Sending…',
      offline: 'Offline',
      unreachable: 'Server unreachable',
      blocked: 'Tablet not accepted',
    },
    /** One sentence under it: what it means for the operator. */
    detail: {
      online: 'Everything is sent.',
      onlineWaiting: 'Scans are sent in a moment.',
      syncing: 'Sending scans to the server.',
      offline: 'No network. Scans are kept on this tablet and sent later.',
      unreachable: 'The network is up but the server does not answer. Scans are kept on this tablet.',
      blocked: 'The server refuses this tablet. Ask your supervisor to enroll it again.',
    },
    pending: (p: { n: number }) =>
      p.n === 0
        ? 'Nothing waiting'
        : `${p.n} ${plural(p.n, { one: 'scan', other: 'scans' })} waiting to send`,
    counting: 'Counting scans…',
    lastSync: (p: { time: string }) => `Last sync ${p.time}`,
    neverSynced: 'Not synced yet',
    progress: (p: { done: number; total: number; rate: number }) =>
      `Sent ${p.done} of ${p.total} (${p.rate} a second)`,
    timeLeft: (p: { duration: string }) => `about ${p.duration} left`,
    retryAt: (p: { time: string }) => `Trying again at ${p.time}`,
    syncNow: 'Sync now',
    station: 'Station',
  },
  duration: {
    seconds: (p: { s: number }) => `${p.s} s`,
    minutes: (p: { m: number; s: number }) => `${p.m} min ${p.s} s`,
    hours: (p: { h: number; m: number }) => `${p.h} h ${p.m} min`,
  },
  /** The time beside an outcome, for the screen reader and the eye. */
  saidAt: (p: { time: string }) => `at ${p.time}`,
  refusedBanner: {
    title: (p: { n: number }) =>
      p.n === 1 ? 'The server refused a scan' : `The server refused ${p.n} scans`,
    line: (p: { action: string; serial: string }) => `${p.action} for ${p.serial} was not recorded.`,
    seeBelow: 'Discard it or send it again in the list below.',
    dismiss: 'OK',
  },
  refused: {
    heading: 'Refused by the server',
    sendAgain: 'Send again',
    discard: 'Discard',
  },
  recent: {
    heading: 'Recent scans',
    event: (p: { action: string; serial: string; node: string; badge: string }) =>
      `${p.action} ${p.serial} at ${p.node} by ${p.badge}`,
    parkedBecause: (p: { reason: string }) => `Kept for later: ${p.reason}`,
    refusedBecause: (p: { reason: string }) => `Refused: ${p.reason}`,
    state: {
      queued: 'Waiting to send',
      applied: 'Recorded',
      duplicate: 'Already recorded',
      parked: 'Kept for later',
      refused: 'Refused',
      forwarded: 'Sent to the factory system',
    },
  },
  stalled: (p: { n: number; minutes: number }) =>
    `${p.n} ${plural(p.n, { one: 'scan has', other: 'scans have' })} not moved for ${p.minutes} min although the network is up. Tell your supervisor.`,
  problem: {
    network: 'The server does not answer.',
    badAnswer: 'The server gave an answer the tablet cannot read.',
    http: (p: { status: number }) => `The server answered with error ${p.status}.`,
  },
  update: {
    ready: 'A new version of the station app is ready.',
    apply: 'Update now',
    waits: 'It installs once every scan is sent and no card is open.',
  },
  work: 'Work here',
  commandBarcodes: 'Command barcodes',
  commandBarcodesFailed: 'The command barcodes could not be loaded.',
  cameraFailed: 'The camera scanner could not be loaded. Use the barcode reader or type the code.',
};
