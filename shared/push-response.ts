/**
 * @module The push response of the wire contract v1 (protocol.md "Push"), in zod's mini build:
 * the station app checks every answer against it, and the mini build keeps the app's first
 * download small (the full build is about 50 KB gzipped). protocol.ts re-exports it.
 */
import * as z from 'zod/mini';
import { TOKEN_STATUSES } from './domain';

export const tokenRefSchema = z.object({
  code: z.string(),
  branch: z.nullable(z.string()),
  nodeCode: z.string(),
  status: z.enum(TOKEN_STATUSES),
});
export type TokenRef = z.infer<typeof tokenRefSchema>;

export const reasonSchema = z.object({ code: z.string(), message: z.string() });
export type Reason = z.infer<typeof reasonSchema>;

export const EVENT_RESULT_STATUSES = ['applied', 'duplicate', 'parked', 'rejected'] as const;
export type EventResultStatus = (typeof EVENT_RESULT_STATUSES)[number];

export const eventResultSchema = z.object({
  id: z.string(),
  status: z.enum(EVENT_RESULT_STATUSES),
  token: z.optional(z.nullable(tokenRefSchema)),
  reason: z.optional(reasonSchema),
});
export type EventResult = z.infer<typeof eventResultSchema>;

export const pushResponseSchema = z.object({
  serverTime: z.string(),
  results: z.array(eventResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** protocol.md: at most 500 events and 1 MiB per push request. */
export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_BODY_BYTES = 1024 * 1024;
