/**
 * @module Label printers on the LAN and their print jobs (SPEC DK-50 … DK-69) as the admin API
 * takes and answers them, as zod/mini schemas: the console parses each answer with them, the edge
 * server reads each body and declares its routes with the same ones.
 *
 * A printer is registered by name with its address (raw TCP, port 9100 by default), resolution and
 * label size; a print job is one label (one serial) in the edge server's queue: queued → sent, or
 * failed with the printer's error once its attempts are spent (retried with backoff before that).
 */
import * as z from 'zod/mini';

export const PRINTERS_PATH = '/api/v1/admin/printers';
export const PRINT_JOBS_PATH = '/api/v1/admin/print-jobs';

export const PRINTER_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** A host name, an IPv4 address or an IPv6 address (no brackets, no port). */
export const PRINTER_HOST_PATTERN = /^[A-Za-z0-9.:-]{1,253}$/;
export const PRINTER_DPIS = [203, 300, 600] as const;
export type PrinterDpi = (typeof PRINTER_DPIS)[number];
export const RAW_PRINT_PORT = 9100;

/** Label sizes a printer takes, in millimetres (4 x 6 in is 101.6 x 152.4 mm). */
export const LABEL_WIDTH_MM = { min: 10, max: 220 } as const;
export const LABEL_HEIGHT_MM = { min: 10, max: 400 } as const;

/** The sizes the console offers first; anything within the limits above may be given. */
export const LABEL_PRESETS = [
  { id: '50x25', widthMm: 50, heightMm: 25 },
  { id: '4x6in', widthMm: 101.6, heightMm: 152.4 },
] as const;

export const PRINT_LANGUAGES = ['th', 'en'] as const;
export type PrintLanguage = (typeof PRINT_LANGUAGES)[number];
export const PRINT_JOB_STATES = ['queued', 'sent', 'failed'] as const;
export type PrintJobState = (typeof PRINT_JOB_STATES)[number];

/**
 * Why an attempt failed: the connection was refused, the printer could not be reached in time,
 * it took the connection and never took the label, it dropped the connection halfway, it said
 * (through ~HS) it cannot print, or it was retired with jobs still queued.
 */
export const PRINT_ERROR_CODES = [
  'refused',
  'unreachable',
  'timeout',
  'closed',
  'printer-status',
  'retired',
] as const;
export type PrintErrorCode = (typeof PRINT_ERROR_CODES)[number];

/** What a printer's host status (~HS) may say is wrong; each stops a label from printing. */
export const PRINTER_PROBLEMS = [
  'paper-out',
  'paused',
  'head-open',
  'ribbon-out',
  'buffer-full',
  'corrupt-ram',
  'under-temperature',
  'over-temperature',
] as const;
export type PrinterProblem = (typeof PRINTER_PROBLEMS)[number];

/**
 * What was last heard from a printer: `ready` (its status said so), `silent` (it took a label but
 * does not answer ~HS), `problem` (its status names `problems`), `unreachable` (no connection, or
 * one dropped), `unknown` (nothing sent to it yet).
 */
export const PRINTER_STATES = ['unknown', 'ready', 'silent', 'problem', 'unreachable'] as const;
export type PrinterState = (typeof PRINTER_STATES)[number];

const millimetres = (limits: { min: number; max: number }) => {
  const message = `millimetres, from ${limits.min} to ${limits.max}`;
  return z.number(message).check(z.gte(limits.min, message), z.lte(limits.max, message));
};
const PORT_MESSAGE = 'a TCP port, a whole number from 1 to 65535 (label printers take 9100)';
const port = z.int(PORT_MESSAGE).check(z.gte(1, PORT_MESSAGE), z.lte(65_535, PORT_MESSAGE));

export const addPrinterSchema = z.object({
  name: z
    .string()
    .check(z.trim(), z.regex(PRINTER_NAME_PATTERN, 'letters, digits, dot, - and _ only, 1 to 64 of them')),
  host: z
    .string()
    .check(z.trim(), z.regex(PRINTER_HOST_PATTERN, 'a host name or an IP address, without a port')),
  port: z._default(port, RAW_PRINT_PORT),
  dpi: z.literal(PRINTER_DPIS, `dots per inch: one of ${PRINTER_DPIS.join(', ')}`),
  labelWidthMm: millimetres(LABEL_WIDTH_MM),
  labelHeightMm: millimetres(LABEL_HEIGHT_MM),
  enabled: z._default(z.boolean(), true),
});
export type AddPrinterInput = z.input<typeof addPrinterSchema>;

/** Any of the printer's settings; `enabled: false` keeps its jobs queued until it is enabled again. */
export const changePrinterSchema = z.object({
  host: z.optional(addPrinterSchema.shape.host),
  port: z.optional(port),
  dpi: z.optional(addPrinterSchema.shape.dpi),
  labelWidthMm: z.optional(millimetres(LABEL_WIDTH_MM)),
  labelHeightMm: z.optional(millimetres(LABEL_HEIGHT_MM)),
  enabled: z.optional(z.boolean()),
});
export type ChangePrinterInput = z.input<typeof changePrinterSchema>;

export const printerSchema = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number(),
  dpi: z.number(),
  labelWidthMm: z.number(),
  labelHeightMm: z.number(),
  enabled: z.boolean(),
  addedBy: z.string(),
  addedAt: z.string(),
  status: z.object({
    state: z.enum(PRINTER_STATES),
    problems: z.array(z.enum(PRINTER_PROBLEMS)),
    /** The printer's last error in words (English), null when it is fine. */
    message: z.nullable(z.string()),
    at: z.nullable(z.string()),
  }),
  /** Its jobs waiting to be sent, and its jobs that failed. */
  queued: z.number(),
  failed: z.number(),
});
export type Printer = z.infer<typeof printerSchema>;

export const printerListSchema = z.object({ printers: z.array(printerSchema) });

/** Labels to print: every serial of `ticket`, or the `serials` given (of any ticket). */
export const printLabelsSchema = z.object({
  printer: z.string().check(z.trim(), z.minLength(1)),
  ticket: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))),
  serials: z.optional(
    z
      .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(128)))
      .check(z.minLength(1), z.maxLength(1000)),
  ),
  language: z.enum(PRINT_LANGUAGES),
  /** The DataMatrix carries the serial as a GS1 element string, AI 21 (FNC1 21<serial>). */
  gs1: z._default(z.boolean(), false),
});
export type PrintLabelsInput = z.input<typeof printLabelsSchema>;

export const reprintSchema = z.object({
  reason: z.string().check(z.trim(), z.minLength(1, 'say why the label is printed again'), z.maxLength(500)),
  /** Another printer to print it on (its ZPL is made again for that printer's size). */
  printer: z.optional(z.string().check(z.trim(), z.minLength(1))),
});
export type ReprintInput = z.input<typeof reprintSchema>;

export const printJobSchema = z.object({
  id: z.number(),
  printer: z.string(),
  serial: z.string(),
  ticket: z.nullable(z.string()),
  kind: z.literal('label'),
  language: z.enum(PRINT_LANGUAGES),
  gs1: z.boolean(),
  state: z.enum(PRINT_JOB_STATES),
  attempts: z.number(),
  /** When a queued job is tried next. */
  nextAttemptAt: z.nullable(z.string()),
  /** The last attempt's error: its kind, the problems the printer reported, and in words. */
  errorCode: z.nullable(z.enum(PRINT_ERROR_CODES)),
  problems: z.array(z.enum(PRINTER_PROBLEMS)),
  lastError: z.nullable(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  sentAt: z.nullable(z.string()),
  /** A reprint: the job it prints again, and why. */
  reprintOf: z.nullable(z.number()),
  reason: z.nullable(z.string()),
});
export type PrintJob = z.infer<typeof printJobSchema>;

/** Newest first; `next` is the cursor of the page after this one (null: no more). */
export const printJobPageSchema = z.object({
  jobs: z.array(printJobSchema),
  next: z.nullable(z.string()),
});
export type PrintJobPage = z.infer<typeof printJobPageSchema>;

/** The jobs queued by one label request (one per serial, in the ticket's order). */
export const printLabelsResultSchema = z.object({
  printer: z.string(),
  ticket: z.nullable(z.string()),
  jobs: z.array(printJobSchema),
});
export type PrintLabelsResult = z.infer<typeof printLabelsResultSchema>;

/** A job as one change left it (a reprint's new job, a retried job). */
export const printJobAnswerSchema = z.object({ job: printJobSchema });
export type PrintJobAnswer = z.infer<typeof printJobAnswerSchema>;
