/**
 * @module The action that moves a token forward, shown first and filled on its card: Resume a
 * paused token, Start a ready one, QC pass at a QC node, else Complete. Never Scrap, never one
 * the state machine does not allow; none when none of these is allowed. Pure.
 */
import type { OperatorEventType } from '../../shared/domain';

const FORWARD: readonly OperatorEventType[] = ['resume', 'start', 'qc_pass', 'complete'];

export function primaryAction(allowed: readonly OperatorEventType[]): OperatorEventType | null {
  return FORWARD.find((a) => allowed.includes(a)) ?? null;
}

/** The card's buttons: the primary first, then the others in the machine's order; Scrap apart. */
export function arrangeActions(allowed: readonly OperatorEventType[]): {
  primary: OperatorEventType | null;
  secondary: OperatorEventType[];
  danger: OperatorEventType[];
} {
  const primary = primaryAction(allowed);
  return {
    primary,
    secondary: allowed.filter((a) => a !== primary && a !== 'scrap'),
    danger: allowed.filter((a) => a === 'scrap'),
  };
}
