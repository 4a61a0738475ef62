/**
 * @module What a scan means, decided from what the station knows at that moment, and nothing done
 * yet: a command barcode acts on the open card (or locks, or closes it), a known badge signs in,
 * a token's code opens its card (or asks which one, when the code is here more than once), and
 * anything else is refused with the reason in words (a catalogue Text). Pure; the scan router
 * model acts on it.
 *
 *   CMD:… ─▶ nobody active? refuse ─▶ LOCK / CLOSE ─▶ no card? refuse ─▶ not allowed? refuse
 *                                              └─▶ needs a detail or a confirmation (Scrap)? open on it : record
 *   badge ─▶ sign in (PIN, lockout: the operator session)
 *   code  ─▶ nobody active? refuse (an item is called an item, not a badge)
 *         ─▶ one token: open · several: choose · none: refuse
 */
import type { OperatorEventType } from '../../shared/domain';
import type { Snapshot, SnapshotToken } from '../../shared/station-api';
import type { Text } from '../i18n/catalogue';
import { asksFirst } from '../station/action-detail';
import { parseCommand } from './commands';
import { parseScan } from './gs1';

export type SnapshotOperator = NonNullable<Snapshot['operators']>[number];

export interface ScanContext {
  /** The active operator's badge; null while the station is locked or nobody signed in. */
  active: string | null;
  signedInCount: number;
  /** The token whose card is open, and the actions it allows here. */
  card: { token: SnapshotToken; actions: readonly OperatorEventType[] } | null;
  operators: readonly SnapshotOperator[];
  /** The tokens at this station's nodes, as the station sees them (local view included). */
  tokens: readonly SnapshotToken[];
}

export type ScanRoute =
  | { kind: 'refuse'; text: Text }
  | { kind: 'lock' }
  | { kind: 'close-card' }
  | { kind: 'badge'; operator: SnapshotOperator }
  | { kind: 'open'; token: SnapshotToken; ask: OperatorEventType | null }
  | { kind: 'record'; token: SnapshotToken; action: OperatorEventType }
  | { kind: 'choose'; tokens: SnapshotToken[] };

export function routeScan(text: string, context: ScanContext): ScanRoute {
  const command = parseCommand(text);
  if (command) {
    if (!context.active) return { kind: 'refuse', text: (t) => t.operator.badgeFirst };
    if (command.kind === 'lock') return { kind: 'lock' };
    if (command.kind === 'close') return { kind: 'close-card' };
    const { action } = command;
    const card = context.card;
    if (!card)
      return { kind: 'refuse', text: (t) => t.card.scanItemFirst({ action: t.words.action[action] }) };
    const token = card.token;
    if (!card.actions.includes(action))
      return {
        kind: 'refuse',
        text: (t) =>
          t.card.notPossible({
            action: t.words.action[action],
            code: token.code,
            where: t.words.statusAt({ status: t.words.status[token.status], node: token.nodeCode }),
          }),
      };
    return asksFirst(action) ? { kind: 'open', token, ask: action } : { kind: 'record', token, action };
  }
  const { code } = parseScan(text);
  const operator = context.operators.find((o) => o.badge === code);
  if (operator) return { kind: 'badge', operator };
  const found = context.tokens.filter((t) => t.code === code);
  if (!context.active) return { kind: 'refuse', text: beforeSignIn(code, found.length > 0, context) };
  const [first] = found;
  if (found.length === 1 && first) return { kind: 'open', token: first, ask: null };
  if (found.length > 1) return { kind: 'choose', tokens: found };
  return { kind: 'refuse', text: (t) => t.card.notHere({ code }) };
}

/** A code that is not a badge, scanned while nobody is active: an item is never called a badge. */
function beforeSignIn(code: string, isItem: boolean, context: ScanContext): Text {
  const locked = context.signedInCount > 0;
  if (isItem)
    return locked ? (t) => t.operator.lockedItem({ code }) : (t) => t.operator.itemNotBadge({ code });
  if (locked) return (t) => t.operator.stationLocked;
  return (t) => t.operator.unknownCode({ code });
}
