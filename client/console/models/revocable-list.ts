/**
 * @module What the lists of issued credentials share (wall displays, desk stations): revoking one
 * waits for a confirmation, asked beside the entry; asking again for another entry moves it there.
 */
import { Model } from '../../state/model';
import type { ConsoleText } from '../i18n/en';

export interface RevocableListState {
  /** The entry whose revocation waits for a confirmation. */
  confirming: string | null;
  /** Why the last request did not happen. */
  problem: ConsoleText | null;
}

/**
 * A list model whose entries are revoked after a confirmation. (The casts: S has these fields, its
 * bound says so, but TypeScript cannot prove a literal fits a partial of a type parameter.)
 */
export class RevocableListModel<S extends RevocableListState> extends Model<S> {
  /** Asks for a confirmation before revoking `name` (a problem said before is now stale). */
  askRevoke(name: string): void {
    this.patch({ confirming: name, problem: null } as Partial<S>);
  }

  cancelRevoke(): void {
    this.patch({ confirming: null } as Partial<S>);
  }
}
