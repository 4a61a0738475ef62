/**
 * @module What some actions need before they are recorded: the detail QC fail, Note and Bind
 * component ask for (the event data field it goes in, and its length limit), and the confirmation
 * Scrap asks for. The card asks; a command barcode for such an action opens the card on that
 * question. The words are the catalogue's (`t.card.detail[field]`).
 *
 * The edge server limits an event's data to 16 KiB of JSON and nothing per field (shared/protocol.ts);
 * these limits are the station's, well inside that, so a typed detail is never refused for its size.
 */
import type { OperatorEventType } from '../../shared/domain';

export type DetailField = 'reason' | 'text' | 'componentSerial';

export const ACTION_DETAIL: Partial<Record<OperatorEventType, { field: DetailField; maxLength: number }>> = {
  qc_fail: { field: 'reason', maxLength: 200 },
  note: { field: 'text', maxLength: 500 },
  // As long as any code the server takes (shared/protocol.ts, 128 characters).
  bind_component: { field: 'componentSerial', maxLength: 128 },
};

export function needsDetail(action: OperatorEventType): boolean {
  return ACTION_DETAIL[action] !== undefined;
}

/** Actions the card asks about before recording: a detail, or Scrap's confirmation. */
export function asksFirst(action: OperatorEventType): boolean {
  return needsDetail(action) || action === 'scrap';
}

/** The counter shows from this many characters left (a fifth of the limit, at least 20). */
export function counterFrom(maxLength: number): number {
  return Math.max(20, Math.floor(maxLength / 5));
}
