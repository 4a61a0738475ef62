/** What the station screen's component tests render: a tote in progress at QC, and an idle sync. */
import type { SyncStatus } from '../../../client/sync/push-engine';
import type { SnapshotToken } from '../../../shared/station-api';

/** BV-DEMO-0003 active at QC-FINAL; `fields` change what a test needs. */
export function qcTote(fields: Partial<SnapshotToken> = {}): SnapshotToken {
  return {
    id: 7,
    code: 'BV-DEMO-0003',
    branch: null,
    routing: 'BAG-TOTE',
    nodeCode: 'QC-FINAL',
    status: 'active',
    qty: 1,
    processMode: 'piece',
    ticket: 'DEMO-TOTE',
    operator: 'OP-0001',
    statusSince: '2026-11-22T08:00:00.000Z',
    ...fields,
  };
}

/** Nothing sent yet, nothing waiting, no problem. */
export const idleSync: SyncStatus = {
  state: 'idle',
  pending: 0,
  lastSuccessAt: null,
  lastError: null,
  lastProblem: null,
  nextAttemptAt: null,
  progress: null,
};
