/**
 * @module The token families one transaction touches (a push's batch, a supervisor's resolution, the
 * parking sweep): each family and its parked events are read once; new members are inserted as they
 * appear (event rows point at them); changed rows are written once, at `flush`, stamped with the
 * transaction's change counter value (snapshot deltas read it).
 */
import type { PendingEvent } from '../../shared/parking';
import type { Family } from '../../shared/token-machine';
import type { GraphEntry, ReferenceData } from '../reference/reference-data';
import type { EventLog, ParkedRow } from './event-log';
import { pendingFromRow } from './pending';
import type { RootRow, TokenStore } from './token-store';
import { sameState, withSavedKeys } from './token-store';
import type { TokenState } from '../../shared/token-machine';

export interface FamilyEntry {
  root: RootRow;
  graph: GraphEntry;
  /** The family as this transaction has made it; keys are row ids. */
  current: Family;
  /** Each member's state as its row holds it now. */
  persisted: Map<string, TokenState>;
  /** Its parked events, oldest first (PK-2), once read. */
  parked: ParkedRow[] | null;
  /** The family and time bound its parked events were last tried with (to skip a retry that cannot change anything). */
  lastTry: { family: Family; before: string | undefined } | null;
}

export class FamilyWorkspace {
  private readonly byCode = new Map<string, FamilyEntry>();
  private readonly pending = new Map<number, PendingEvent>();
  private inserted = false;

  constructor(
    private readonly store: TokenStore,
    private readonly events: EventLog,
    private readonly reference: ReferenceData,
    readonly changeSeq: number,
    readonly nowIso: string,
  ) {}

  /** The family whose root has this code, or undefined if no work item has it. */
  get(code: string): FamilyEntry | undefined {
    const cached = this.byCode.get(code);
    if (cached) return cached;
    const root = this.store.rootByCode(code);
    return root ? this.open(root) : undefined;
  }

  /** The family of a root token known to exist. */
  getByRoot(rootId: number): FamilyEntry {
    const root = this.store.rootById(rootId);
    if (!root) throw new Error(`no root token ${rootId}`);
    return this.byCode.get(root.code) ?? this.open(root);
  }

  /** Every family read so far. */
  entries(): IterableIterator<FamilyEntry> {
    return this.byCode.values();
  }

  parkedOf(entry: FamilyEntry): ParkedRow[] {
    entry.parked ??= this.events.parkedFor(entry.root.id);
    return entry.parked;
  }

  /** A parked row as the state machine reads it (parsed once per transaction). */
  pendingOf(row: ParkedRow): PendingEvent {
    let pending = this.pending.get(row.event_row_id);
    if (!pending) {
      pending = pendingFromRow(row);
      this.pending.set(row.event_row_id, pending);
    }
    return pending;
  }

  /** Takes the family a decision produced: inserts its new members now and returns their keys. */
  update(entry: FamilyEntry, after: Family): Map<string, string> {
    const keys = this.store.insertNewMembers(after, {
      ticketId: entry.root.ticket_id,
      graphId: entry.root.graph_id,
      rootId: entry.root.id,
      now: this.nowIso,
      changeSeq: this.changeSeq,
    });
    entry.current = withSavedKeys(after, keys);
    for (const id of keys.values()) {
      const member = entry.current.members.find((m) => m.key === id);
      if (member) entry.persisted.set(id, member);
    }
    if (keys.size > 0) this.inserted = true;
    return keys;
  }

  /** Writes every member whose state changed; returns whether any token row changed. */
  flush(): boolean {
    const changes: { graphId: number; before: TokenState; after: TokenState }[] = [];
    for (const entry of this.byCode.values()) {
      for (const after of entry.current.members) {
        const before = entry.persisted.get(after.key);
        // Every member was read or inserted by this workspace, so its row's state is known.
        if (!before) throw new Error(`token ${after.key} changed without a known row`);
        if (sameState(before, after)) continue;
        changes.push({ graphId: entry.root.graph_id, before, after });
        entry.persisted.set(after.key, after);
      }
    }
    // All families' rows in one go: the board's counts are summed once per transaction.
    if (changes.length > 0) this.store.updateMembers(changes, this.changeSeq, this.nowIso);
    return this.inserted || changes.length > 0;
  }

  private open(root: RootRow): FamilyEntry {
    const family = this.store.loadFamily(root.id, root.process_mode);
    const entry: FamilyEntry = {
      root,
      graph: this.reference.graph(root.graph_id),
      current: family,
      persisted: new Map(family.members.map((m) => [m.key, m])),
      parked: null,
      lastTry: null,
    };
    this.byCode.set(root.code, entry);
    return entry;
  }
}
