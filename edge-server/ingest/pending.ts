/** @module Events as the state machine reads them: a station event's action, and a parked row as a pending event. */
import type { OperatorEventType } from '../../shared/domain';
import type { PendingEvent } from '../../shared/parking';
import type { StationEvent } from '../../shared/protocol';
import type { OperatorAction } from '../../shared/token-machine';
import type { ParkedRow } from './event-log';

export function actionOf(
  event: Pick<StationEvent, 'type' | 'nodeCode' | 'operatorBadge' | 'qty' | 'data'>,
): OperatorAction {
  return {
    type: event.type,
    nodeCode: event.nodeCode,
    operatorBadge: event.operatorBadge,
    qty: event.qty,
    data: event.data ?? {},
  };
}

export function pendingFromRow(row: ParkedRow): PendingEvent {
  return {
    id: row.event_id,
    station: String(row.station_id),
    seq: row.seq,
    occurredAt: row.occurred_at_corrected,
    action: {
      // Stored only after the station event schema accepted it.
      type: row.event_type as OperatorEventType,
      nodeCode: row.node_code,
      operatorBadge: row.operator_badge,
      qty: row.qty ?? undefined,
      data: JSON.parse(row.data_json) as Record<string, unknown>,
    },
  };
}
