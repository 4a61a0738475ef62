/**
 * @module Keeps the live database bounded: events older than the retention period that are
 * settled (not parked, no open conflict, no component binding pointing at them) and delivered
 * upstream (or with no upstream at all) move to monthly archive files, `events-YYYY-MM.sqlite` in
 * ARCHIVE_DIR, by the month they were received; their resolved conflicts go with them (an archived
 * event was forwarded: its place in the upstream order stays taken). Traceability reads the archive files too, so a serial's story stays whole.
 *
 * Each step moves a few thousand events in two transactions, archive file first, then the live
 * database: a crash in between leaves an event in both (the next run skips the copy and deletes
 * it; readers take the live row), never in neither. Between steps the server serves requests.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isoOf } from '../db/sql-time';

/**
 * The token_event columns an archive keeps (the live table's, without its foreign keys), in the
 * archive's own format: ISO 8601 times and a hex content hash, so every month's file reads alike.
 */
const EVENT_COLUMNS: Record<string, string> = {
  id: 'id',
  event_id: 'event_id',
  content_hash: 'lower(hex(content_hash))',
  origin: 'origin',
  event_type: 'event_type',
  station_id: 'station_id',
  seq: 'seq',
  code: 'code',
  node_code: 'node_code',
  operator_badge: 'operator_badge',
  occurred_at: isoOf('occurred_ms'),
  occurred_at_corrected: isoOf('corrected_ms'),
  received_at: isoOf('received_ms'),
  qty: 'qty',
  data_json: 'data_json',
  root_token_id: 'root_token_id',
  token_id: 'token_id',
  status: 'status',
  reason_code: 'reason_code',
  reason_message: 'reason_message',
  result_json: 'result_json',
  applied_at: isoOf('applied_ms'),
  token_after_json: 'token_after_json',
};
const ARCHIVE_EVENT_COLUMNS = Object.keys(EVENT_COLUMNS);
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
CREATE TABLE IF NOT EXISTS token_event (${ARCHIVE_EVENT_COLUMNS.join(', ')}, archived_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS token_event_event_id ON token_event (event_id);
CREATE INDEX IF NOT EXISTS token_event_root ON token_event (root_token_id);
CREATE INDEX IF NOT EXISTS token_event_code ON token_event (code);
CREATE TABLE IF NOT EXISTS conflict (${CONFLICT_COLUMNS.join(', ')}, archived_at TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS conflict_id ON conflict (id);
`;

/** Events per step: about 10 ms of work, so that pushes go on between steps. */
const EVENTS_PER_STEP = 2_000;

export interface ArchiveSettings {
  dir: string;
  retentionMs: number;
  /** With no upstream nothing is ever delivered: age and settlement alone decide. */
  upstream: 'none' | 'forwarded';
}

export interface ArchiveRun {
  events: number;
  conflicts: number;
  clockSkewRows: number;
  files: string[];
}

/** An archived event as traceability reads it. */
export type ArchivedEventRow = Record<keyof typeof EVENT_COLUMNS, unknown> & { archived_at: string };

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
    const cutoffMs = now.getTime() - this.settings.retentionMs;
    const run: ArchiveRun = { events: 0, conflicts: 0, clockSkewRows: 0, files: [] };
    const delivered =
      this.settings.upstream === 'none'
        ? ''
        : `AND (e.applied_seq IS NULL OR (e.applied_seq <= (SELECT forwarded_through FROM upstream_cursor)
             AND NOT EXISTS (SELECT 1 FROM upstream_exception x WHERE x.applied_seq = e.applied_seq)))`;
    // Scanned in id order (received order); kept events (bindings, open conflicts) are skipped.
    const due = this.db.prepare(
      `SELECT e.id, strftime('%Y-%m', e.received_ms / 1000, 'unixepoch') AS month, e.received_ms < @cutoffMs AS old
       FROM token_event e
       WHERE e.id > @after
         AND NOT EXISTS (SELECT 1 FROM parked_event p WHERE p.event_row_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM conflict c WHERE c.event_row_id = e.id AND c.resolved_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM component_binding b WHERE b.event_row_id = e.id)
         ${delivered}
       ORDER BY e.id LIMIT ${EVENTS_PER_STEP}`,
    );
    let after = 0;
    for (;;) {
      const rows = due.all({ cutoffMs, after }) as { id: number; month: string; old: number }[];
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
      }
      // Rows come in id order and ids follow received time: past the first new one, all are new.
      if (rows.length < EVENTS_PER_STEP || old.length < rows.length) break;
      after = rows[rows.length - 1]?.id ?? after;
      yield;
    }
    yield;
    this.db
      .transaction(() => {
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
              `INSERT OR IGNORE INTO archive.token_event (${ARCHIVE_EVENT_COLUMNS.join(', ')}, archived_at)
               SELECT ${Object.values(EVENT_COLUMNS).join(', ')}, @now FROM main.token_event
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

  private deleteLive(ids: readonly number[]): { events: number; conflicts: number } {
    const list = JSON.stringify(ids);
    const inList = 'IN (SELECT value FROM json_each(?))';
    return this.db
      .transaction(() => ({
        conflicts: this.db.prepare(`DELETE FROM conflict WHERE event_row_id ${inList}`).run(list).changes,
        events: this.db.prepare(`DELETE FROM token_event WHERE id ${inList}`).run(list).changes,
      }))
      .immediate();
  }
}
