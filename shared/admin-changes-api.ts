/**
 * @module The planning desk's audit trail (SPEC DK-1): every change an admin makes to the site's
 * set-up, as the admin API answers it (GET /api/v1/admin/changes) and the console reads it.
 */
import * as z from 'zod/mini';

/** What an admin can change; the console names each in Thai and English. */
export const ADMIN_ACTIONS = [
  'routing.publish',
  'ticket.release',
  'station.enroll',
  'station.link',
  'station.language',
  'station.revoke',
  'display.issue',
  'display.revoke',
  'operator.add',
  'operator.change',
  'user.add',
  'target.set',
  'target.clear',
  'site.enroll',
  'printer.add',
  'printer.change',
  'printer.remove',
  'print.labels',
  'print.reprint',
  'print.retry',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export const adminChangeSchema = z.object({
  id: z.number(),
  at: z.string(),
  /** The admin's username, or 'cli'. */
  by: z.string(),
  action: z.enum(ADMIN_ACTIONS),
  /** What it was done to: 'BAG-DAG v1', a ticket code, a station's name… */
  subject: z.string(),
  reason: z.nullable(z.string()),
  detail: z.nullable(z.record(z.string(), z.unknown())),
});
export type AdminChange = z.infer<typeof adminChangeSchema>;

/** Newest first; `next` is the cursor of the page after this one (null: no more). */
export const adminChangePageSchema = z.object({
  changes: z.array(adminChangeSchema),
  next: z.nullable(z.string()),
});
export type AdminChangePage = z.infer<typeof adminChangePageSchema>;

export const ADMIN_CHANGES_PATH = '/api/v1/admin/changes';
