/**
 * @module The detail some actions need before they can be recorded (QC fail's reason, a note's
 * text, the bound component's serial), and the event data field it goes in. The card asks for it;
 * a command barcode for such an action opens the card on that question.
 */
import type { OperatorEventType } from '../../shared/domain';

export const ACTION_DETAIL: Partial<Record<OperatorEventType, { field: string; label: string }>> = {
  qc_fail: { field: 'reason', label: 'Reason for the QC fail' },
  note: { field: 'text', label: 'Note' },
  bind_component: { field: 'componentSerial', label: 'Component serial' },
};

export function needsDetail(action: OperatorEventType): boolean {
  return ACTION_DETAIL[action] !== undefined;
}
