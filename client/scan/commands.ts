/**
 * @module Command barcodes: printed cards that stand for the card's buttons, so an operator with
 * a scanner in one hand and the part in the other never touches the screen. A command scanned
 * while a token's card is open acts on that token; the same rules as the buttons apply.
 */
import type { OperatorEventType } from '../../shared/domain';
import { ACTION_LABEL } from '../../shared/token-machine';
import type { Text } from '../i18n/catalogue';

/** A prefix no serial or badge uses. */
export const COMMAND_PREFIX = 'CMD:';

export type StationCommand =
  { kind: 'action'; action: OperatorEventType } | { kind: 'close' } | { kind: 'lock' };

const ACTIONS = Object.keys(ACTION_LABEL) as OperatorEventType[];

/** The text each command barcode carries, e.g. `CMD:START`, `CMD:QC_FAIL`, `CMD:CLOSE`. */
export function commandText(command: StationCommand): string {
  if (command.kind === 'action') return `${COMMAND_PREFIX}${command.action.toUpperCase()}`;
  return `${COMMAND_PREFIX}${command.kind.toUpperCase()}`;
}

/** The command a scanned text stands for; null for anything else (a serial, a badge). */
export function parseCommand(text: string): StationCommand | null {
  if (!text.toUpperCase().startsWith(COMMAND_PREFIX)) return null;
  const name = text.slice(COMMAND_PREFIX.length).trim().toLowerCase();
  if (name === 'close') return { kind: 'close' };
  if (name === 'lock') return { kind: 'lock' };
  const action = ACTIONS.find((a) => a === name);
  return action ? { kind: 'action', action } : null;
}

/** Every command, in the order the printable page shows them, with its label in the catalogue. */
export function allCommands(): { command: StationCommand; label: Text }[] {
  return [
    ...ACTIONS.map((action) => ({
      command: { kind: 'action', action } as const,
      label: (t: Parameters<Text>[0]) => t.words.action[action],
    })),
    { command: { kind: 'close' }, label: (t) => t.pages.commands.close },
    { command: { kind: 'lock' }, label: (t) => t.pages.commands.lock },
  ];
}
