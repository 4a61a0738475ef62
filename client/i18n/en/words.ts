/** Token statuses and operator actions in words (never the enum value on screen). */
import type { OperatorEventType, TokenStatus } from '../../../shared/domain';

export const words = {
  status: {
    ready: 'Ready',
    active: 'In progress',
    paused: 'Paused',
    waiting: 'Waiting for its other parts',
    split: 'Split into parts',
    completed: 'Finished',
    scrapped: 'Scrapped',
  } satisfies Record<TokenStatus, string>,
  action: {
    start: 'Start',
    pause: 'Pause',
    resume: 'Resume',
    complete: 'Complete',
    qc_pass: 'QC pass',
    qc_fail: 'QC fail',
    scrap: 'Scrap',
    bind_component: 'Bind component',
    note: 'Note',
  } satisfies Record<OperatorEventType, string>,
  /** A token where it is, e.g. "Ready at CUT". */
  statusAt: (p: { status: string; node: string }) => `${p.status} at ${p.node}`,
  language: { th: 'ไทย', en: 'English' },
  chooseLanguage: 'Language',
};
