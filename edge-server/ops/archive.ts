/**
 * @module Keeps the live database bounded: events older than the retention period that are
 * settled (not parked, no open conflict, no component binding pointing at them) and delivered
 * upstream (or with no upstream at all) move to monthly archive files, `events-YYYY-MM.sqlite` in
 * ARCHIVE_DIR, by the month they were received; their delivered outbox rows and resolved conflicts
 * go with them. Traceability reads the archive files too, so a serial's story stays whole.
 *
 * Each step moves a few thousand events in two transactions, archive file first, then the live
 * database: a crash in between leaves an event in both (the next run skips the copy and deletes
 * it; readers take the live row), never in neither. Between steps the server serves requests.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The token_event columns an archive keeps (the live table's, without its foreign keys). */
const EVENT_COLUMNS = [
  'id',
  'event_id',
  'content_hash',
  'origin',
  'event_type',
  'station_id',
  'seq',
  'code',
  'node_code',
  'operator_badge',
  'occurred_at',
  'occurred_at_corrected',
  'received_at',
  'qty',
  'data_json',
  'root_token_id',
  'token_id',
  'status',
  'reason_code',
  'reason_message',
  'result_json',
  'applied_at',
  'token_after_json',
] as const;
const CONFLICT_COLUMNS = [
  'id',
  'event_row_id',
  'root_token_id',
  'reason_code',
  'reason_message',
  'created_at',
  'resolved_at',
  'resolution',
  'resolved_by',
  'note',
] as const;

const ARCHIVE_SCHEMA = `
CREATE TABLE IF NOT EXISTS token_event (${EVENT_COLUMNS.join(', ')}, archived_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS token_event_event_id ON token_event (event_id);
CREATE INDEX IF NOT EXISTS token_event_root ON token_event (root_token_id);
CREATE INDEX IF NOT EXISTS token_event_code ON token_event (code);
CREATE TABLE IF NOT EXISTS conflict (${CONFLICT_COLUMNS.join(', ')}, archived_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS conflict_id ON conflict (id);
`;

/** Events per step: about 10 ms of work, so that pushes go on between steps. */
const EVENTS_PER_STEP = 2_000;
/** Delivered outbox rows of events still live are kept this long (a tablet asks about its recent events). */
const DELIVERED_OUTBOX_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

export interface ArchiveSettings {
  dir: string;
  retentionMs: number;
  /** With no upstream nothing is ever delivered: age and settlement alone decide. */
  upstream: 'none' | 'forwarded';
}

export interface ArchiveRun {
  events: number;
  conflicts: number;
  outboxRows: number;
  clockSkewRows: number;
  files: string[];
}

/** An archived event as traceability reads it. */
export type ArchivedEventRow = Record<(typeof EVENT_COLUMNS)[number], unknown> & { archived_at: string };

export class EventArchive {
  private readonly readers = new Map<string, Database.Database>();

  constructor(
    private readonly db: Database.Database,
    private readonly settings: ArchiveSettings,
  ) {}

  /** Archive files, oldest month first. */
  files(): string[] {
    if (!fs.existsSync(this.settings.dir)) return [];
    return fs
      .readdirSync(this.settings.dir)
      .filter((f) => /^events-\d{4}-\d{2}\.sqlite$/.test(f))
      .sort()
      .map((f) => path.join(this.settings.dir, f));
  }

  /** Moves what is due, all at once (the CLI). */
  run(now: Date): ArchiveRun {
    const steps = this.steps(now);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** Moves what is due, letting other requests run between steps (the server's schedule). */
  async runInSteps(now: Date): Promise<ArchiveRun> {
    const steps = this.steps(now);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise<void>((resume) => setImmediate(resume));
    }
  }

  /** A family's archived events, oldest first. */
  eventsOfFamily(rootTokenId: number): ArchivedEventRow[] {
    return this.files().flatMap(
      (file) =>
        this.reader(file)
          .prepare('SELECT * FROM token_event WHERE root_token_id = ? ORDER BY id')
          .all(rootTokenId) as ArchivedEventRow[],
    );
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }

  private reader(file: string): Database.Database {
    let reader = this.readers.get(file);
    if (!reader) {
      reader = new Database(file, { readonly: true, fileMustExist: true });
      this.readers.set(file, reader);
    }
    return reader;
  }

  private *steps(now: Date): Generator<void, ArchiveRun, void> {
    const cutoff = new Date(now.getTime() - this.settings.retentionMs).toISOString();
    const run: ArchiveRun = { events: 0, conflicts: 0, outboxRows: 0, clockSkewRows: 0, files: [] };
    const delivered =
      this.settings.upstream === 'none'
        ? ''
        : `AND NOT EXISTS (SELECT 1 FROM upstream_outbox o WHERE o.event_row_id = e.id AND o.status <> 'forwarded')`;
    // Scanned in id order (received order); kept events (bindings, open conflicts) are skipped.
    const due = this.db.prepare(
      `SELECT e.id, substr(e.received_at, 1, 7) AS month, e.received_at < @cutoff AS old FROM token_event e
       WHERE e.id > @after
         AND NOT EXISTS (SELECT 1 FROM parked_event p WHERE p.event_row_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM conflict c WHERE c.event_row_id = e.id AND c.resolved_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM component_binding b WHERE b.event_row_id = e.id)
         ${delivered}
       ORDER BY e.id LIMIT ${EVENTS_PER_STEP}`,
    );
    let after = 0;
    for (;;) {
      const rows = due.all({ cutoff, after }) as { id: number; month: string; old: number }[];
      const old = rows.filter((r) => r.old === 1);
      if (old.length > 0) {
        const byMonth = new Map<string, number[]>();
        for (const r of old) byMonth.set(r.month, [...(byMonth.get(r.month) ?? []), r.id]);
        for (const [month, ids] of byMonth) {
          const file = path.join(this.settings.dir, `events-${month}.sqlite`);
          this.copyOut(file, ids, now);
          if (!run.files.includes(file)) run.files.push(file);
        }
        const moved = this.deleteLive(old.map((r) => r.id));
        run.events += moved.events;
        run.conflicts += moved.conflicts;
        run.outboxRows += moved.outboxRows;
      }
      // Rows come in id order and ids follow received time: past the first new one, all are new.
      if (rows.length < EVENTS_PER_STEP || old.length < rows.length) break;
      after = rows[rows.length - 1]?.id ?? after;
      yield;
    }
    yield;
    this.db
      .transaction(() => {
        const keepOutbox = new Date(now.getTime() - DELIVERED_OUTBOX_KEEP_MS).toISOString();
        run.outboxRows += this.db
          .prepare("DELETE FROM upstream_outbox WHERE status = 'forwarded' AND forwarded_at < ?")
          .run(keepOutbox).changes;
        run.clockSkewRows = this.db
          .prepare('DELETE FROM station_clock_skew WHERE observed_at < ?')
          .run(cutoff).changes;
        this.db.prepare('DELETE FROM user_session WHERE expires_at <= ?').run(now.toISOString());
      })
      .immediate();
    return run;
  }

  /** Copies events (and their resolved conflicts) into a month's file, in one transaction of that file. */
  private copyOut(file: string, ids: readonly number[], now: Date): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const archive = new Database(file);
    try {
      archive.pragma('journal_mode = DELETE');
      archive.pragma('synchronous = FULL');
      archive.exec(ARCHIVE_SCHEMA);
    } finally {
      archive.close();
    }
    this.db.prepare('ATTACH DATABASE ? AS archive').run(file);
    try {
      const list = JSON.stringify(ids);
      // A deferred transaction: it only reads the live database, and writes the archive file.
      this.db
        .transaction(() => {
          this.db
            .prepare(
              `INSERT OR IGNORE INTO archive.token_event (${EVENT_COLUMNS.join(', ')}, archived_at)
               SELECT ${EVENT_COLUMNS.join(', ')}, @now FROM main.token_event
               WHERE id IN (SELECT value FROM json_each(@list))`,
            )
            .run({ list, now: now.toISOString() });
          this.db
            .prepare(
              `INSERT OR IGNORE INTO archive.conflict (${CONFLICT_COLUMNS.join(', ')}, archived_at)
               SELECT ${CONFLICT_COLUMNS.join(', ')}, @now FROM main.conflict
               WHERE event_row_id IN (SELECT value FROM json_each(@list))`,
            )
            .run({ list, now: now.toISOString() });
        })
        .deferred();
    } finally {
      this.db.prepare('DETACH DATABASE archive').run();
    }
  }

  private deleteLive(ids: readonly number[]): { events: number; conflicts: number; outboxRows: number } {
    const list = JSON.stringify(ids);
    const inList = 'IN (SELECT value FROM json_each(?))';
    return this.db
      .transaction(() => ({
        outboxRows: this.db.prepare(`DELETE FROM upstream_outbox WHERE event_row_id ${inList}`).run(list)
          .changes,
        conflicts: this.db.prepare(`DELETE FROM conflict WHERE event_row_id ${inList}`).run(list).changes,
        events: this.db.prepare(`DELETE FROM token_event WHERE id ${inList}`).run(list).changes,
      }))
      .immediate();
  }
}
