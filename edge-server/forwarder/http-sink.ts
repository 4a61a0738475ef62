/**
 * @module The HTTP sink: POST <upstream>/api/v1/events with the protocol's site envelope, a site
 * credential and an Idempotency-Key. The upstream (an ERP adapter, or another edge server as a hub)
 * de-duplicates by record id, so a resend after an unclear outcome is harmless.
 */
import type { AppliedEventRecord, HubAnswer } from '../../shared/protocol';
import {
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  errorBodySchema,
  hubAnswerSchema,
} from '../../shared/protocol';
import type { HubRejectionCode } from '../../shared/reason-codes';
import type { RecordOutcome, UpstreamSink } from './sink';
import { SinkError, isRetryableStatus } from './sink';

/** The reason code a hub gives a record held behind an earlier, rejected record of its token. */

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
function retryAfterMs(header: string | null, now: number): number {
  if (header === null) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

export class HttpSink implements UpstreamSink {
  readonly kind = 'http';
  readonly target: string;
  private readonly endpoint: string;

  constructor(
    baseUrl: string,
    private readonly credential: string,
    private readonly site: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.endpoint = new URL('/api/v1/events', baseUrl).toString();
    this.target = this.endpoint;
  }

  async send(records: readonly AppliedEventRecord[]): Promise<RecordOutcome[]> {
    const first = records[0]?.id ?? '';
    const last = records[records.length - 1]?.id ?? '';
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.credential}`,
          'content-type': 'application/json',
          'idempotency-key': `${first}..${last}`,
          [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
        },
        body: JSON.stringify({ site: this.site, records }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SinkError(
        timedOut
          ? `no answer from ${this.endpoint} within ${this.timeoutMs} ms`
          : `cannot reach ${this.endpoint}: ${String((error as Error).cause ?? error)}`,
        true,
        0,
        true,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status !== 200) {
      const message = `${this.endpoint} answered ${response.status}: ${summarize(text)}`;
      throw new SinkError(
        message,
        isRetryableStatus(response.status),
        response.status === 429 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : 0,
      );
    }
    let parsed: HubAnswer;
    try {
      parsed = hubAnswerSchema.parse(JSON.parse(text));
    } catch {
      throw new SinkError(
        `${this.endpoint} answered 200 with a body that is not a results list`,
        true,
        0,
        true,
      );
    }
    if (parsed.results.length !== records.length || parsed.results.some((r, i) => r.id !== records[i]?.id)) {
      throw new SinkError(
        `${this.endpoint} answered results that do not match the records sent`,
        true,
        0,
        true,
      );
    }
    return parsed.results.map((r): RecordOutcome => {
      if (r.status !== 'rejected') return { id: r.id, outcome: r.status };
      const reason = r.reason ? `${r.reason.code}: ${r.reason.message}` : 'rejected';
      // A hub holds a token's later records behind one it rejects, so that order is kept upstream.
      return r.reason?.code === ('HELD_BEHIND_REJECTED' satisfies HubRejectionCode)
        ? { id: r.id, outcome: 'held', reason }
        : { id: r.id, outcome: 'rejected', reason };
    });
  }

  /** The upstream answers a resent record `duplicate`: nothing to learn before sending again. */
  landedPrefix(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function summarize(text: string): string {
  try {
    const body = errorBodySchema.safeParse(JSON.parse(text));
    if (body.success) return `${body.data.error.code} ${body.data.error.message}`.trim();
  } catch {
    // not JSON: show the start of it
  }
  return text.slice(0, 200);
}
