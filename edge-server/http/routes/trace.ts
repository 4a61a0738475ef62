/**
 * @module Traceability (SPEC SV-30 … SV-35), under /api/v1/supervisor/trace: search, a serial's
 * timeline and genealogy, the recall of a component serial, and their exports as CSV and JSON.
 * Timelines, recalls and exports are streamed: read from SQLite a batch at a time and written as
 * they are read (hono/streaming), so a large result is never whole in memory.
 */
import { z } from 'zod';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { unwrap } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';
import { attempt } from '../../errors';
import type { RecallRow, TimelineEvent } from '../../../shared/trace-api';
import {
  boundComponentSchema,
  componentMatchSchema,
  genealogyMemberSchema,
  RECALL_COLUMNS,
  recallRowSchema,
  recallSchema,
  serialMatchSchema,
  serialTraceSchema,
  ticketMatchSchema,
  TIMELINE_COLUMNS,
  timelineEventSchema,
  traceSearchSchema,
} from '../../../shared/trace-api';
import { searchTrace } from '../../trace/search';
import { serialHeader, timelineBatches } from '../../trace/timeline';
import { componentOf, recallBatches } from '../../trace/recall';
import { attachment, csvLine, UTF8_BOM } from '../../trace/csv';

const codeParams = z.object({ code: z.string().describe('The serial (a root token’s code)') });
const recallQuery = z.object({
  component: z.string().describe('The component serial, as bound with bind_component'),
  all: z.string().optional().describe('Present: unfinished tokens too (else finished ones only)'),
});

const CSV = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Writes chunks as the generator reads them; the response is sent as it is written. */
function streamed(
  core: EdgeCore,
  c: Context<AuthEnv>,
  type: string,
  fileName: string | null,
  chunks: Iterable<string>,
): Response {
  c.header('Content-Type', type);
  c.header('Cache-Control', 'no-store');
  if (fileName !== null) c.header('Content-Disposition', attachment(fileName));
  return stream(
    c,
    async (out) => {
      // Each step of the iterator reads one batch from SQLite, synchronously; the write waits for the client.
      for (const chunk of chunks) {
        if (out.aborted) return;
        await out.write(chunk);
      }
    },
    async (error) => {
      // Too late for an error answer: the status is sent. The client sees a cut-off body.
      core.log.error({ err: error, path: c.req.path }, 'export failed while streaming');
      await Promise.resolve();
    },
  );
}

function* jsonArray<T>(open: string, batches: Iterable<T[]>, close: string): Generator<string> {
  yield open;
  let first = true;
  for (const batch of batches) {
    const parts = batch.map((item) => JSON.stringify(item));
    yield `${first ? '' : ','}${parts.join(',')}`;
    first = false;
  }
  yield close;
}

function* csvRows<T>(header: readonly string[], batches: Iterable<T[]>, row: (item: T) => unknown[]) {
  yield UTF8_BOM + csvLine(header);
  for (const batch of batches) yield batch.map((item) => csvLine(row(item))).join('');
}

const timelineRow = (serial: string) => (e: TimelineEvent) =>
  TIMELINE_COLUMNS.map((column) => {
    switch (column) {
      case 'serial':
        return serial;
      case 'eventId':
        return e.id;
      default:
        return e[column];
    }
  });

const recallRow = (r: RecallRow) => RECALL_COLUMNS.map((column) => r[column]);

export function traceRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const recall = (c: Context<AuthEnv>) => {
    const component = unwrap(attempt(() => componentOf(c.req.query('component'))));
    const all = c.req.query('all') !== undefined;
    return { component, all, batches: recallBatches(core.db, component, all) };
  };
  const recallJson = (c: Context<AuthEnv>, download: boolean) => {
    const { component, all, batches } = recall(c);
    const open = `{"component":${JSON.stringify(component)},"all":${String(all)},"tokens":[`;
    return streamed(
      core,
      c,
      JSON_TYPE,
      download ? `recall-${component}.json` : null,
      jsonArray(open, batches, ']}'),
    );
  };
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] })
    .use(requireRole('supervisor', 'admin'))
    .route('/serials', serialRoutes(core))
    .get(
      '/search',
      {
        operationId: 'searchTrace',
        summary: 'Find serials, tickets and component serials by their code or its beginning',
        description:
          'Matches by kind (at most 20 each), exact ones first. Nothing found is a 200 with empty lists, ' +
          'code TRACE_NOT_FOUND and a message saying so: a search that finds nothing is an answer.',
        query: z.object({
          q: z.string().describe('A serial, ticket or component serial (or its beginning)'),
        }),
        responses: {
          200: {
            description: 'What matched, by kind',
            json: {
              name: 'TraceSearch',
              schema: traceSearchSchema,
              parts: [
                { name: 'SerialMatch', schema: serialMatchSchema },
                { name: 'TicketMatch', schema: ticketMatchSchema },
                { name: 'ComponentMatch', schema: componentMatchSchema },
              ],
            },
          },
        },
        errors: [400],
      },
      (c) => c.json(unwrap(searchTrace(core.db, c.req.query('q')))),
    )
    .get(
      '/recall',
      {
        operationId: 'recallComponent',
        summary: 'Every finished token containing a component serial, directly or through its family',
        description: 'A component serial bound nowhere answers an empty list. Streamed.',
        query: recallQuery,
        responses: {
          200: {
            description: 'The tokens, in the order the component was bound',
            json: {
              name: 'Recall',
              schema: recallSchema,
              parts: [{ name: 'RecallRow', schema: recallRowSchema }],
            },
          },
        },
        errors: [400],
      },
      (c) => recallJson(c, false),
    )
    .get(
      '/recall.csv',
      {
        operationId: 'exportRecallCsv',
        summary: 'A recall as a CSV download (RFC 4180, UTF-8 with a byte order mark for Excel), streamed',
        query: recallQuery,
        responses: { 200: { description: 'The CSV file', media: { type: 'text/csv' } } },
        errors: [400],
      },
      (c) => {
        const { component, batches } = recall(c);
        return streamed(core, c, CSV, `recall-${component}.csv`, csvRows(RECALL_COLUMNS, batches, recallRow));
      },
    )
    .get(
      '/recall.json',
      {
        operationId: 'exportRecallJson',
        summary: 'A recall as a JSON download (the /recall answer as a file), streamed',
        query: recallQuery,
        responses: { 200: { description: 'The JSON file (a Recall)', media: { type: 'application/json' } } },
        errors: [400],
      },
      (c) => recallJson(c, true),
    );
}

/** A serial's trace and its exports (SV-31, SV-32, SV-34). */
function serialRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const hasUpstream = core.config.upstream.kind !== 'none';
  const timeline = (c: Context<AuthEnv>) => {
    const code = c.req.param('code') ?? '';
    const header = unwrap(attempt(() => serialHeader(core.db, code)));
    return { code, header, batches: timelineBatches(core.db, header.rootId, core.archive, hasUpstream) };
  };
  const timelineJson = (c: Context<AuthEnv>, download: boolean) => {
    const { code, header, batches } = timeline(c);
    const open = `${JSON.stringify(header.trace).slice(0, -1)},"events":[`;
    return streamed(
      core,
      c,
      JSON_TYPE,
      download ? `trace-${code}.json` : null,
      jsonArray(open, batches, ']}'),
    );
  };
  return new ApiRoutes<AuthEnv>()
    .get(
      '/:code',
      {
        operationId: 'traceSerial',
        summary: 'A serial’s timeline (every event, archived ones too) and genealogy, backward and forward',
        description: 'Streamed. An unknown serial is a 404 saying so.',
        params: codeParams,
        responses: {
          200: {
            description: 'The trace',
            json: {
              name: 'SerialTrace',
              schema: serialTraceSchema,
              parts: [
                { name: 'TimelineEvent', schema: timelineEventSchema },
                { name: 'GenealogyMember', schema: genealogyMemberSchema },
                { name: 'BoundComponent', schema: boundComponentSchema },
              ],
            },
          },
        },
        errors: [404],
      },
      (c) => timelineJson(c, false),
    )
    .get(
      '/:code/timeline.csv',
      {
        operationId: 'exportTimelineCsv',
        summary: 'A serial’s timeline as a CSV download (RFC 4180, UTF-8 with a byte order mark), streamed',
        params: codeParams,
        responses: { 200: { description: 'The CSV file', media: { type: 'text/csv' } } },
        errors: [404],
      },
      (c) => {
        const { code, batches } = timeline(c);
        return streamed(
          core,
          c,
          CSV,
          `trace-${code}.csv`,
          csvRows(TIMELINE_COLUMNS, batches, timelineRow(code)),
        );
      },
    )
    .get(
      '/:code/timeline.json',
      {
        operationId: 'exportTimelineJson',
        summary: 'A serial’s trace as a JSON download (the /serials/:code answer as a file), streamed',
        params: codeParams,
        responses: {
          200: { description: 'The JSON file (a SerialTrace)', media: { type: 'application/json' } },
        },
        errors: [404],
      },
      (c) => timelineJson(c, true),
    );
}
