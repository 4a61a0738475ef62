/**
 * The card part of the English catalogue (the source: Thai is typed from it): the token card, its
 * detail questions, the scrap confirmation and undo, the work list and the choice between tokens,
 * and what recording an action says.
 */
import { plural } from '../plural';

export const card = {
  /** The card's accessible name. */
  label: (p: { code: string }) => `Item ${p.code}`,
  qty: (p: { n: number }) => `Quantity ${p.n}`,
  ticket: (p: { ticket: string }) => `Ticket ${p.ticket}`,
  nothingToRecord: 'Nothing can be recorded on it here now.',
  actions: 'Actions',
  close: 'Close',
  back: 'Back',
  /** The submit button of a detail question, e.g. "Record QC fail". */
  recordAction: (p: { action: string }) => `Record ${p.action}`,
  /** The detail an action asks for, by its event data field (station/action-detail.ts). */
  detail: {
    reason: 'Reason for the QC fail',
    text: 'Note',
    componentSerial: 'Component serial',
  },
  charactersLeft: (p: { n: number }) =>
    `${p.n} ${plural(p.n, { one: 'character', other: 'characters' })} left`,
  scrapConfirm: (p: { code: string }) => `Scrap ${p.code}? This cannot be undone after it is sent.`,
  scrapYes: 'Yes, scrap',
  scrapKeep: 'Keep it',
  scrapping: (p: { code: string }) => `Scrapping ${p.code}…`,
  undo: (p: { seconds: number }) => `Undo (${p.seconds} s)`,
  scrapUndone: (p: { code: string }) => `Scrap of ${p.code} undone: nothing was sent.`,
  recorded: (p: { action: string; code: string }) => `${p.action} ${p.code}: recorded`,
  recordedOffline: (p: { action: string; code: string }) => `${p.action} ${p.code}: recorded offline`,
  justRecorded: (p: { action: string; code: string }) => `${p.action} ${p.code} was just recorded`,
  /** `where` is the token's status at its node in words ("Ready at CUT"). */
  notPossible: (p: { action: string; code: string; where: string }) =>
    `${p.action} is not possible for ${p.code} (${p.where})`,
  scanItemFirst: (p: { action: string }) => `Scan an item first, then ${p.action}`,
  notHere: (p: { code: string }) => `${p.code} is not waiting at this station`,
  notRefused: 'This event is no longer refused: nothing to do.',
  choices: 'Which one?',
  hereTwice: (p: { code: string }) => `${p.code} is here more than once: which one?`,
  mainBranch: 'main',
  workList: 'At my nodes',
  noWork: 'Nothing is waiting at this station.',
};
