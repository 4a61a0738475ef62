/**
 * @module Label printers and their print jobs in SQLite (SPEC DK-50 … DK-54, DK-59 … DK-62):
 * printers registered, changed, retired; labels queued one job per serial with their ZPL made at
 * once (the serials read from the ticket's root tokens); jobs listed newest first, reprinted with
 * a reason, retried. The queue runner (queue.ts) sends them.
 */
import type Database from 'better-sqlite3';
import type {
  PrintErrorCode,
  PrintJob,
  PrintJobState,
  PrintLanguage,
  Printer,
  PrinterProblem,
  PrinterState,
} from '../../shared/printing-api';
import {
  PRINT_JOB_STATES,
  addPrinterSchema,
  changePrinterSchema,
  printLabelsSchema,
  reprintSchema,
} from '../../shared/printing-api';
import { describeIssues } from '../../shared/protocol';
import type { Bitmap } from '../../shared/zpl';
import { gs1SerialProblem, labelLayout, printableSerial, serialLabelZpl } from '../../shared/zpl';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { newestById } from '../supervisor/paging';

/** Renders the words of a label into a box (text-bitmap.ts; a parameter so this module stays testable). */
/** The ZPL one label request may queue at most (a 50 × 25 mm label at 203 dpi is about 4 KB). */
const MAX_REQUEST_ZPL_BYTES = 64 * 1024 * 1024;

export type RenderWords = (lines: readonly string[], width: number, height: number) => Bitmap;

/** What a label says above its barcodes: the routing's name, and the ticket in the label's language. */
export function labelWords(routingName: string, ticket: string | null, language: PrintLanguage): string[] {
  if (ticket === null) return [routingName];
  return [routingName, language === 'th' ? `ใบสั่งงาน ${ticket}` : `Ticket ${ticket}`];
}

/** Parses with a zod/mini schema; a 400 naming every field that is wrong. */
function parse<T>(
  schema: {
    safeParse: (
      v: unknown,
    ) =>
      | { success: true; data: T }
      | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
  },
  input: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new DomainError(
      'invalid',
      `Invalid ${what}: ${describeIssues(parsed.error)}`,
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  return parsed.data;
}

const invalid = (path: string, message: string) =>
  new DomainError('invalid', `${path}: ${message}`, [{ path, message }]);

interface PrinterRow {
  id: number;
  name: string;
  host: string;
  port: number;
  dpi: number;
  label_width_mm: number;
  label_height_mm: number;
  enabled: number;
  added_by: string;
  added_at: string;
  retired_at: string | null;
  status_state: PrinterState;
  status_problems: string;
  status_message: string | null;
  status_at: string | null;
  queued?: number;
  failed?: number;
}

const problemsOf = (text: string) => (text === '' ? [] : (text.split(',') as PrinterProblem[]));

const asPrinter = (r: PrinterRow): Printer => ({
  name: r.name,
  host: r.host,
  port: r.port,
  dpi: r.dpi,
  labelWidthMm: r.label_width_mm,
  labelHeightMm: r.label_height_mm,
  enabled: r.enabled === 1,
  addedBy: r.added_by,
  addedAt: r.added_at,
  status: {
    state: r.status_state,
    problems: problemsOf(r.status_problems),
    message: r.status_message,
    at: r.status_at,
  },
  queued: r.queued ?? 0,
  failed: r.failed ?? 0,
});

const PRINTER_SELECT = `SELECT p.*,
  (SELECT COUNT(*) FROM print_job j WHERE j.printer_id = p.id AND j.state = 'queued') AS queued,
  (SELECT COUNT(*) FROM print_job j WHERE j.printer_id = p.id AND j.state = 'failed') AS failed
  FROM label_printer p`;

/** The printers in use, by name, with their last status and their queued and failed jobs. */
export function listPrinters(db: Database.Database): Printer[] {
  const rows = db
    .prepare(`${PRINTER_SELECT} WHERE p.retired_at IS NULL ORDER BY p.name`)
    .all() as PrinterRow[];
  return rows.map(asPrinter);
}

/** The printer in use with this name, or a 404 (`field`: what the caller called it, for a 400 instead). */
export function printerRow(db: Database.Database, name: string, field?: string): PrinterRow {
  const row = db.prepare(`${PRINTER_SELECT} WHERE p.name = ? AND p.retired_at IS NULL`).get(name) as
    PrinterRow | undefined;
  if (row) return row;
  if (field) throw invalid(field, `no printer named ${name.slice(0, 64)} (add it first)`);
  throw new DomainError('not-found', `No printer named ${name.slice(0, 64)}`);
}

export function addPrinter(db: Database.Database, input: unknown, by: string, now: string): Result<Printer> {
  return attempt(() => {
    const p = parse(addPrinterSchema, input, 'printer');
    const previous = db.prepare('SELECT id, retired_at FROM label_printer WHERE name = ?').get(p.name) as
      { id: number; retired_at: string | null } | undefined;
    if (previous && previous.retired_at === null)
      throw new DomainError(
        'conflict',
        `A printer named ${p.name} is already in use; change it or choose another name`,
      );
    const values = [p.host, p.port, p.dpi, p.labelWidthMm, p.labelHeightMm, p.enabled ? 1 : 0, by, now];
    if (previous) {
      // A retired name registered again: a fresh printer, its old jobs kept as they were.
      db.prepare(
        `UPDATE label_printer SET host = ?, port = ?, dpi = ?, label_width_mm = ?, label_height_mm = ?,
         enabled = ?, added_by = ?, added_at = ?, retired_at = NULL, status_state = 'unknown',
         status_problems = '', status_message = NULL, status_at = NULL WHERE id = ?`,
      ).run(...values, previous.id);
    } else {
      db.prepare(
        `INSERT INTO label_printer (host, port, dpi, label_width_mm, label_height_mm, enabled, added_by, added_at, name)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...values, p.name);
    }
    return asPrinter(printerRow(db, p.name));
  });
}

/** Changes a printer's settings; answers it and the names of the settings that changed. */
export function changePrinter(
  db: Database.Database,
  name: string,
  input: unknown,
): Result<{ printer: Printer; changed: Record<string, unknown> }> {
  return attempt(() => {
    const change = parse(changePrinterSchema, input, 'printer change');
    const row = printerRow(db, name);
    const columns: Record<string, [string, unknown]> = {
      host: ['host', change.host],
      port: ['port', change.port],
      dpi: ['dpi', change.dpi],
      labelWidthMm: ['label_width_mm', change.labelWidthMm],
      labelHeightMm: ['label_height_mm', change.labelHeightMm],
      enabled: ['enabled', change.enabled === undefined ? undefined : change.enabled ? 1 : 0],
    };
    const given = Object.entries(columns).filter(([, [, v]]) => v !== undefined);
    if (given.length === 0)
      throw invalid('body', 'give at least one of host, port, dpi, labelWidthMm, labelHeightMm, enabled');
    db.prepare(`UPDATE label_printer SET ${given.map(([, [c]]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(
      ...given.map(([, [, v]]) => v),
      row.id,
    );
    const changed = Object.fromEntries(given.map(([key]) => [key, change[key as keyof typeof change]]));
    return { printer: asPrinter(printerRow(db, name)), changed };
  });
}

/** Retires a printer: it leaves the list, its queued jobs fail ('retired'); answers how many. */
export function retirePrinter(
  db: Database.Database,
  name: string,
  now: string,
): Result<{ failedJobs: number }> {
  return attempt(() => {
    const row = printerRow(db, name);
    db.prepare('UPDATE label_printer SET retired_at = ?, enabled = 0 WHERE id = ?').run(now, row.id);
    const failed = db
      .prepare(
        `UPDATE print_job SET state = 'failed', next_attempt_at = NULL, error_code = 'retired',
         error_problems = '', last_error = 'the printer was retired before the label was sent'
         WHERE printer_id = ? AND state = 'queued'`,
      )
      .run(row.id);
    return { failedJobs: failed.changes };
  });
}

interface JobRow {
  id: number;
  printer: string;
  serial: string;
  ticket: string | null;
  language: PrintLanguage;
  gs1: number;
  state: PrintJobState;
  attempts: number;
  next_attempt_at: string | null;
  error_code: PrintErrorCode | null;
  error_problems: string;
  last_error: string | null;
  created_by: string;
  created_at: string;
  sent_at: string | null;
  reprint_of: number | null;
  reason: string | null;
}

const JOB_SELECT = `SELECT j.id, p.name AS printer, j.serial, j.ticket, j.language, j.gs1, j.state,
  j.attempts, j.next_attempt_at, j.error_code, j.error_problems, j.last_error, j.created_by,
  j.created_at, j.sent_at, j.reprint_of, j.reason
  FROM print_job j JOIN label_printer p ON p.id = j.printer_id`;

const asJob = (r: JobRow): PrintJob => ({
  id: r.id,
  printer: r.printer,
  serial: r.serial,
  ticket: r.ticket,
  kind: 'label',
  language: r.language,
  gs1: r.gs1 === 1,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  errorCode: r.error_code,
  problems: problemsOf(r.error_problems),
  lastError: r.last_error,
  createdBy: r.created_by,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  reprintOf: r.reprint_of,
  reason: r.reason,
});

export function jobById(db: Database.Database, id: number): PrintJob | undefined {
  const row = db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(id) as JobRow | undefined;
  return row && asJob(row);
}

function existingJob(db: Database.Database, idText: string): PrintJob {
  const id = Number(idText);
  const job = /^\d{1,15}$/.test(idText) ? jobById(db, id) : undefined;
  if (!job) throw new DomainError('not-found', `No print job ${idText.slice(0, 20)}`);
  return job;
}

/** A serial to label: its ticket and the ticket's routing name. */
interface LabelSubject {
  serial: string;
  ticket: string;
  routingName: string;
}

const SUBJECT_SELECT = `SELECT t.code AS serial, j.code AS ticket, g.name AS routingName
  FROM flow_token t JOIN job_ticket j ON j.id = t.ticket_id JOIN routing_graph g ON g.id = j.graph_id
  WHERE t.parent_token_id IS NULL`;

/** The serials a label request names: every one of `ticket`, or the ones given (400s name the field). */
function labelSubjects(
  db: Database.Database,
  ticket: string | undefined,
  serials: string[] | undefined,
): LabelSubject[] {
  let ticketId: number | undefined;
  if (ticket !== undefined) {
    ticketId = db.prepare('SELECT id FROM job_ticket WHERE code = ?').pluck().get(ticket) as
      number | undefined;
    if (ticketId === undefined) throw invalid('ticket', `no job ticket ${ticket}`);
  }
  if (serials === undefined) {
    if (ticketId === undefined) throw invalid('serials', 'give a ticket, or the serials to label');
    return db.prepare(`${SUBJECT_SELECT} AND t.ticket_id = ? ORDER BY t.id`).all(ticketId) as LabelSubject[];
  }
  const unique = [...new Set(serials)];
  const lookup = db.prepare(`${SUBJECT_SELECT} AND t.code = ?`);
  const found = unique.map((s) => lookup.get(s) as LabelSubject | undefined);
  const unknown = unique.filter((_, i) => {
    const subject = found[i];
    return subject === undefined || (ticket !== undefined && subject.ticket !== ticket);
  });
  if (unknown.length > 0) {
    const list =
      unknown.slice(0, 20).join(', ') + (unknown.length > 20 ? ` and ${unknown.length - 20} more` : '');
    throw new DomainError(
      'invalid',
      `serials: ${unknown.length === 1 ? 'this serial is' : 'these serials are'} not ${ticket === undefined ? 'on this site' : `of ticket ${ticket}`}: ${list}`,
      unknown.map((s) => ({ path: 'serials', message: `unknown serial ${s}` })),
    );
  }
  return found as LabelSubject[];
}

/** The label's ZPL for this printer; a 400 naming `field` when the serial cannot be printed on it. */
export function labelZpl(
  printer: Pick<PrinterRow, 'dpi' | 'label_width_mm' | 'label_height_mm' | 'name'>,
  subject: { serial: string; ticket: string | null; routingName: string },
  language: PrintLanguage,
  gs1: boolean,
  render: RenderWords,
): string {
  const size = { dpi: printer.dpi, widthMm: printer.label_width_mm, heightMm: printer.label_height_mm };
  const layout = labelLayout(size, subject.serial, gs1);
  const words = render(
    labelWords(subject.routingName, subject.ticket, language),
    layout.text.width,
    layout.text.height,
  );
  return serialLabelZpl(layout, { serial: subject.serial, gs1, words });
}

/** Why these serials cannot be printed on this printer (all of them), or nothing. */
function unprintable(subjects: readonly LabelSubject[], printer: PrinterRow, gs1: boolean): void {
  const size = { dpi: printer.dpi, widthMm: printer.label_width_mm, heightMm: printer.label_height_mm };
  const ascii = subjects.filter((s) => !printableSerial(s.serial)).map((s) => s.serial);
  if (ascii.length > 0)
    throw invalid(
      'serials',
      `Code 128 prints printable ASCII only; these serials are not: ${ascii.slice(0, 20).join(', ')}`,
    );
  const long = subjects.filter((s) => !labelLayout(size, s.serial, gs1).fits).map((s) => s.serial);
  if (long.length > 0)
    throw invalid(
      'serials',
      `too long for a ${printer.label_width_mm} x ${printer.label_height_mm} mm label on ${printer.name}: ${long.slice(0, 20).join(', ')}`,
    );
  if (gs1) {
    const bad = subjects.filter((s) => gs1SerialProblem(s.serial) !== null).map((s) => s.serial);
    if (bad.length > 0)
      throw invalid(
        'gs1',
        `these serials cannot be a GS1 AI 21 serial (at most 20 of GS1's characters): ${bad.slice(0, 20).join(', ')}`,
      );
  }
}

const INSERT_JOB = `INSERT INTO print_job (printer_id, serial, ticket, kind, language, gs1, zpl, state,
  attempts, next_attempt_at, created_by, created_at, reprint_of, reason)
  VALUES (?, ?, ?, 'label', ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)`;

/** Queues one label per serial on a printer in use and enabled; answers the jobs. */
export function queueLabels(
  db: Database.Database,
  input: unknown,
  by: string,
  now: string,
  render: RenderWords,
): Result<{ printer: string; ticket: string | null; jobs: PrintJob[] }> {
  return attempt(() => {
    const request = parse(printLabelsSchema, input, 'label request');
    const printer = printerRow(db, request.printer, 'printer');
    if (printer.enabled !== 1) throw invalid('printer', `${printer.name} is disabled; enable it first`);
    const subjects = labelSubjects(db, request.ticket, request.serials);
    if (subjects.length === 0) throw invalid('ticket', `ticket ${request.ticket ?? ''} has no serials`);
    unprintable(subjects, printer, request.gs1);
    // The words are the same for every label of a ticket: rendered once per ticket.
    const zplOf = new Map<string, (serial: string) => string>();
    const insert = db.prepare(INSERT_JOB);
    const ids = subjects.map((s) => {
      let make = zplOf.get(s.ticket);
      if (!make) {
        const size = { dpi: printer.dpi, widthMm: printer.label_width_mm, heightMm: printer.label_height_mm };
        const first = labelLayout(size, s.serial, request.gs1);
        const words = render(
          labelWords(s.routingName, s.ticket, request.language),
          first.text.width,
          first.text.height,
        );
        make = (serial) =>
          serialLabelZpl(labelLayout(size, serial, request.gs1), { serial, gs1: request.gs1, words });
        zplOf.set(s.ticket, make);
        // Large labels at a high resolution are large jobs: a request stays within what the queue
        // table and one transaction should hold.
        const most = Math.floor(MAX_REQUEST_ZPL_BYTES / make(s.serial).length);
        if (subjects.length > most)
          throw invalid('serials', `at most ${most} labels of this size and resolution in one request`);
      }
      const info = insert.run(
        printer.id,
        s.serial,
        s.ticket,
        request.language,
        request.gs1 ? 1 : 0,
        make(s.serial),
        now,
        by,
        now,
        null,
        null,
      );
      return Number(info.lastInsertRowid);
    });
    const ticket =
      request.ticket ??
      (new Set(subjects.map((s) => s.ticket)).size === 1 ? (subjects[0]?.ticket ?? null) : null);
    return { printer: printer.name, ticket, jobs: ids.map((id) => jobById(db, id) as PrintJob) };
  });
}

export interface JobQuery {
  state?: string | undefined;
  printer?: string | undefined;
  limit?: string | undefined;
  after?: string | undefined;
}

/** Jobs newest first, a page at a time, optionally in some states (comma-separated) or of one printer. */
export function listJobs(
  db: Database.Database,
  q: JobQuery,
): Result<{ jobs: PrintJob[]; next: string | null }> {
  return attempt(() => {
    const page = newestById<JobRow>(db, q, { select: JOB_SELECT, id: 'j.id' }, (where, args) => {
      if (q.state !== undefined && q.state !== '') {
        const states = q.state.split(',').map((s) => s.trim());
        const bad = states.find((s) => !(PRINT_JOB_STATES as readonly string[]).includes(s));
        if (bad !== undefined)
          throw invalid('state', `"${bad.slice(0, 20)}" is not one of ${PRINT_JOB_STATES.join(', ')}`);
        where.push(`j.state IN (${states.map(() => '?').join(', ')})`);
        args.push(...states);
      }
      if (q.printer !== undefined && q.printer !== '') {
        where.push('p.name = ?');
        args.push(q.printer);
      }
    });
    return { jobs: page.items.map(asJob), next: page.next };
  });
}

/** Prints a job's label again, with a reason: a new job (on another printer if asked, its ZPL made for it). */
export function reprintJob(
  db: Database.Database,
  idText: string,
  input: unknown,
  by: string,
  now: string,
  render: RenderWords,
): Result<{ original: PrintJob; job: PrintJob }> {
  return attempt(() => {
    const original = existingJob(db, idText);
    const request = parse(reprintSchema, input, 'reprint');
    const printer = printerRow(db, request.printer ?? original.printer, 'printer');
    if (printer.enabled !== 1) throw invalid('printer', `${printer.name} is disabled; enable it first`);
    const source = db.prepare('SELECT zpl, printer_id FROM print_job WHERE id = ?').get(original.id) as {
      zpl: string;
      printer_id: number;
    };
    let zpl = source.zpl;
    if (source.printer_id !== printer.id) {
      const routingName =
        (db
          .prepare(
            'SELECT g.name FROM job_ticket j JOIN routing_graph g ON g.id = j.graph_id WHERE j.code = ?',
          )
          .pluck()
          .get(original.ticket) as string | undefined) ?? '';
      const subject = { serial: original.serial, ticket: original.ticket, routingName };
      unprintable([{ ...subject, ticket: original.ticket ?? '' }], printer, original.gs1);
      zpl = labelZpl(printer, subject, original.language, original.gs1, render);
    }
    const info = db
      .prepare(INSERT_JOB)
      .run(
        printer.id,
        original.serial,
        original.ticket,
        original.language,
        original.gs1 ? 1 : 0,
        zpl,
        now,
        by,
        now,
        original.id,
        request.reason,
      );
    return { original, job: jobById(db, Number(info.lastInsertRowid)) as PrintJob };
  });
}

/** A failed job queued again now, its attempts counted afresh. */
export function retryJob(db: Database.Database, idText: string, now: string): Result<PrintJob> {
  return attempt(() => {
    const job = existingJob(db, idText);
    if (job.state !== 'failed')
      throw new DomainError('conflict', `Print job ${job.id} is ${job.state}: only a failed job is retried`);
    const printer = printerRow(db, job.printer, 'printer');
    if (printer.enabled !== 1) throw invalid('printer', `${printer.name} is disabled; enable it first`);
    db.prepare(`UPDATE print_job SET state = 'queued', attempts = 0, next_attempt_at = ? WHERE id = ?`).run(
      now,
      job.id,
    );
    return jobById(db, job.id) as PrintJob;
  });
}
