/**
 * @module The planning desk's label printers on the LAN and their print job queue (admin role,
 * SPEC DK-50 … DK-62): printers registered, changed, retired and listed with their last status;
 * labels queued one job per serial; jobs listed, reprinted with a reason, retried. Each change is
 * written in the audit trail (DK-1) in its own transaction; the queue is woken after it commits.
 */
import { z } from 'zod';
import {
  addPrinterSchema,
  changePrinterSchema,
  printJobAnswerSchema,
  printJobPageSchema,
  printJobSchema,
  printLabelsResultSchema,
  printLabelsSchema,
  printerListSchema,
  printerSchema,
  reprintSchema,
} from '../../../shared/printing-api';
import { MAX_BODY_BYTES } from '../../../shared/protocol';
import type { EdgeCore } from '../../edge';
import {
  addPrinter,
  changePrinter,
  listJobs,
  listPrinters,
  queueLabels,
  reprintJob,
  retirePrinter,
  retryJob,
} from '../../printing/printers';
import { renderWords } from '../../printing/text-bitmap';
import { adminRequest, audited } from '../admin-request';
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { readJsonBody } from '../body';
import { unwrap } from '../errors';

const PRINTER = { name: 'Printer', schema: printerSchema };
const PRINT_JOB = { name: 'PrintJob', schema: printJobSchema };
const printerParams = z.object({ name: z.string().describe('The printer’s name') });
/** The job list's filters and paging. */
const jobQuery = z.object({
  state: z.string().optional().describe('Only jobs in these states, comma-separated (queued, sent, failed)'),
  printer: z.string().optional().describe('Only this printer’s jobs'),
  limit: z.string().optional().describe('Jobs per page, 1 to 500 (100)'),
  after: z.string().optional().describe('The `next` of the page before'),
});
const jobParams = z.object({ id: z.string().describe('The print job’s id') });

export function printerRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>()
    .route('/printers', printerAdminRoutes(core))
    .route('/print-jobs', printJobRoutes(core));
}

/** Printers: registered, listed with their last status, changed (or disabled), retired. */
function printerAdminRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .post(
      '/',
      {
        operationId: 'addPrinter',
        summary: 'Register a label printer on the LAN: name, address, port (9100), resolution, label size',
        description:
          'Labels are sent to it as ZPL over raw TCP. A name in use is 409; a retired name may be registered again.',
        body: { name: 'PrinterRequest', schema: addPrinterSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 201: { description: 'Registered', json: PRINTER } },
        errors: [409],
      },
      async (c) => {
        const { username, input } = await adminRequest(c);
        const printer = audited(
          core,
          c,
          (p) => ({
            action: 'printer.add',
            subject: p.name,
            detail: {
              host: p.host,
              port: p.port,
              dpi: p.dpi,
              label: `${p.labelWidthMm}x${p.labelHeightMm} mm`,
            },
          }),
          () => addPrinter(core.db, input, username, now()),
        );
        return c.json(printer, 201);
      },
    )
    .get(
      '/',
      {
        operationId: 'listPrinters',
        summary:
          'The printers in use with their last status (ready, silent, problem, unreachable) and queued and failed jobs',
        responses: {
          200: {
            description: 'The printers',
            json: { name: 'PrinterList', schema: printerListSchema, parts: [PRINTER] },
          },
        },
      },
      (c) => c.json({ printers: listPrinters(core.db) }),
    )
    .patch(
      '/:name',
      {
        operationId: 'changePrinter',
        summary: 'Change a printer’s address, resolution or label size, or disable / enable it',
        description:
          'A disabled printer’s jobs stay queued until it is enabled again. Labels queued before keep their ZPL.',
        params: printerParams,
        body: { name: 'PrinterChange', schema: changePrinterSchema, maxBytes: MAX_BODY_BYTES },
        responses: { 200: { description: 'Changed', json: PRINTER } },
        errors: [404],
      },
      async (c) => {
        const input = await readJsonBody(c.req.raw);
        const name = c.req.param('name');
        const { printer } = audited(
          core,
          c,
          (p) => ({ action: 'printer.change', subject: name, detail: p.changed }),
          () => changePrinter(core.db, name, input),
        );
        core.printing.wake();
        return c.json(printer);
      },
    )
    .delete(
      '/:name',
      {
        operationId: 'retirePrinter',
        summary:
          'Retire a printer: it leaves the list and its queued jobs fail (“retired”); its history stays',
        params: printerParams,
        responses: { 204: { description: 'Retired' } },
        errors: [404],
      },
      (c) => {
        const name = c.req.param('name');
        audited(
          core,
          c,
          (r) => ({ action: 'printer.remove', subject: name, detail: { failedJobs: r.failedJobs } }),
          () => retirePrinter(core.db, name, now()),
        );
        return c.body(null, 204);
      },
    );
}

/** Print jobs: labels queued, listed, reprinted with a reason, retried. */
function printJobRoutes(core: EdgeCore): ApiRoutes<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return new ApiRoutes<AuthEnv>()
    .post(
      '/',
      {
        operationId: 'printLabels',
        summary: 'Print serial labels: one job per serial of a ticket (or of the serials given) on a printer',
        description:
          'Each label: Code 128 and DataMatrix of the serial (the DataMatrix as GS1 AI 21 when `gs1`), the serial in text, and the routing’s name and the ticket in Thai or English as a bitmap (^GFA). Unknown serials, an unknown ticket or printer, a disabled printer: 400 naming the field.',
        body: { name: 'PrintLabelsRequest', schema: printLabelsSchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          201: {
            description: 'Queued',
            json: { name: 'PrintLabelsResult', schema: printLabelsResultSchema, parts: [PRINT_JOB] },
          },
        },
      },
      async (c) => {
        const { username, input } = await adminRequest(c);
        const queued = audited(
          core,
          c,
          (q) => ({
            action: 'print.labels',
            subject: q.ticket ?? q.jobs[0]?.serial ?? q.printer,
            detail: {
              printer: q.printer,
              labels: q.jobs.length,
              serials: q.jobs.slice(0, 20).map((j) => j.serial),
            },
          }),
          () => queueLabels(core.db, input, username, now(), renderWords),
        );
        core.printing.wake();
        return c.json(queued, 201);
      },
    )
    .get(
      '/',
      {
        operationId: 'listPrintJobs',
        summary:
          'The print jobs, newest first, a page at a time: queued, sent, or failed with the printer’s error',
        query: jobQuery,
        responses: {
          200: {
            description: 'A page of jobs',
            json: { name: 'PrintJobPage', schema: printJobPageSchema, parts: [PRINT_JOB] },
          },
        },
        errors: [400],
      },
      (c) => c.json(unwrap(listJobs(core.db, c.req.query()))),
    )
    .post(
      '/:id/reprint',
      {
        operationId: 'reprintLabel',
        summary: 'Print a job’s label again, with a reason (required, kept in the audit trail)',
        description:
          'A new job, on the same printer or on `printer` (its ZPL made again for that printer’s label).',
        params: jobParams,
        body: { name: 'ReprintRequest', schema: reprintSchema, maxBytes: MAX_BODY_BYTES },
        responses: {
          201: {
            description: 'Queued',
            json: { name: 'PrintJobAnswer', schema: printJobAnswerSchema, parts: [PRINT_JOB] },
          },
        },
        errors: [404],
      },
      async (c) => {
        const { username, input } = await adminRequest(c);
        const id = c.req.param('id');
        const { job } = audited(
          core,
          c,
          (r) => ({
            action: 'print.reprint',
            subject: r.job.serial,
            reason: r.job.reason,
            detail: { job: r.original.id, reprint: r.job.id, printer: r.job.printer },
          }),
          () => reprintJob(core.db, id, input, username, now(), renderWords),
        );
        core.printing.wake();
        return c.json({ job }, 201);
      },
    )
    .post(
      '/:id/retry',
      {
        operationId: 'retryPrintJob',
        summary: 'Send a failed job again now, its attempts counted afresh',
        params: jobParams,
        responses: {
          200: {
            description: 'Queued again',
            json: { name: 'PrintJobAnswer', schema: printJobAnswerSchema, parts: [PRINT_JOB] },
          },
        },
        errors: [400, 404, 409],
      },
      (c) => {
        const job = audited(
          core,
          c,
          (j) => ({ action: 'print.retry', subject: j.serial, detail: { job: j.id, printer: j.printer } }),
          () => retryJob(core.db, c.req.param('id'), now()),
        );
        core.printing.wake();
        return c.json({ job });
      },
    );
}
