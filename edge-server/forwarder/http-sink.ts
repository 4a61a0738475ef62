/**
 * @module The HTTP sink: POST <upstream>/api/v1/events with the protocol's site envelope, a site
 * credential and an Idempotency-Key. The upstream (an ERP adapter, or another edge server as a hub)
 * de-duplicates by record id, so a resend after an unclear outcome is harmless; that is also what
 * lets several requests be in flight at once, each a slice of the records.
 */
import type { AppliedEventRecord, HubAnswer } from '../../shared/protocol';
import {
  MAX_EVENTS_PER_BATCH,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  errorBodySchema,
  hubAnswerSchema,
} from '../../shared/protocol';
import type { HubRejectionCode } from '../../shared/reason-codes';
import type { RecordOutcome, UpstreamSink } from './sink';
import { SinkError, isRetryableStatus } from './sink';

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
function retryAfterMs(header: string | null, now: number): number {
  if (header === null) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

/**
 * Requests awaiting their answer at once when FORWARD_MAX_IN_FLIGHT is not set: one, so that the
 * upstream takes the records in application order across tokens too (protocol.md); several go in
 * lanes by token (per-token order only).
 */
export const DEFAULT_HTTP_IN_FLIGHT = 1;

/** Batches per send at least: a lane's next request goes while the last one's records are marked. */
const MIN_BATCHES_PER_SEND = 4;

/**
 * Splits records into at most `maxLanes` lanes, all records of a token in one lane (PF-35), each
 * lane in application order and the lanes about equal. A lane's requests go one after another and
 * the lanes side by side: requests in flight together may be taken by the upstream in any order,
 * but never two of one token, and a hub holds a token's later records only behind a refusal in the
 * same request.
 */
export function lanesByToken(records: readonly AppliedEventRecord[], maxLanes: number): number[][] {
  const laneOf = new Map<string, number>();
  const lanes: number[][] = [];
  records.forEach((r, i) => {
    let lane = laneOf.get(r.code);
    if (lane === undefined) {
      if (lanes.length < maxLanes) {
        lane = lanes.length;
        lanes.push([]);
      } else {
        // The lane with the fewest records so far (a token's later records join its lane anyway).
        lane = 0;
        for (let l = 1; l < lanes.length; l++) {
          if ((lanes[l]?.length ?? 0) < (lanes[lane]?.length ?? 0)) lane = l;
        }
      }
      laneOf.set(r.code, lane);
    }
    lanes[lane]?.push(i);
  });
  return lanes;
}

export class HttpSink implements UpstreamSink {
  readonly kind = 'http';
  readonly target: string;
  /** Batches per send: two per lane at least, so that a lane has its next request to send. */
  readonly batchesPerSend: number;
  private readonly endpoint: string;
  private readonly maxInFlight: number;

  constructor(
    baseUrl: string,
    private readonly credential: string,
    private readonly site: string,
    private readonly timeoutMs = 10_000,
    maxInFlight = 1,
  ) {
    this.endpoint = new URL('/api/v1/events', baseUrl).toString();
    this.target = this.endpoint;
    this.maxInFlight = Math.max(1, maxInFlight);
    this.batchesPerSend = Math.max(MIN_BATCHES_PER_SEND, this.maxInFlight * 2);
  }

  /**
   * Sends the records in requests of at most `perRequest` records, up to `maxInFlight` requests in
   * flight at once, one per lane (PF-34). The outcomes are those of the records up to the first one
   * whose request failed or was not sent; requests after it may have landed, and their records go
   * again (the upstream answers `duplicate`). Nothing landed: the first record's request's error.
   */
  async send(
    records: readonly AppliedEventRecord[],
    perRequest: number = MAX_EVENTS_PER_BATCH,
    onSettled?: (outcomes: readonly RecordOutcome[]) => void,
  ): Promise<RecordOutcome[]> {
    const byIndex: (RecordOutcome | undefined)[] = new Array<RecordOutcome | undefined>(records.length);
    const outcomes: RecordOutcome[] = [];
    let firstError = null as SinkError | null; // set by the lane of the first record
    /** The outcomes in order up to the first record not answered yet (acknowledged in order). */
    const grow = (): void => {
      const before = outcomes.length;
      for (let o = byIndex[outcomes.length]; o !== undefined; o = byIndex[outcomes.length]) outcomes.push(o);
      if (outcomes.length > before) onSettled?.(outcomes);
    };
    const lanes = lanesByToken(records, this.maxInFlight);
    const post = (indexes: readonly number[]): Promise<RecordOutcome[]> =>
      this.post(indexes.map((i) => records[i] as AppliedEventRecord));
    await Promise.all(
      lanes.map(async (lane) => {
        let indexes = lane.slice(0, perRequest);
        let request = post(indexes);
        for (let from = 0; indexes.length > 0;) {
          let answer: RecordOutcome[];
          try {
            answer = await request;
          } catch (error) {
            // This lane stops: its later records would overtake the failed ones of their tokens.
            if (indexes[0] === 0) {
              firstError = error instanceof SinkError ? error : new SinkError(String(error), true, 0, true);
            }
            return;
          }
          indexes.forEach((i, j) => (byIndex[i] = answer[j]));
          // A refused record holds back its token's later records: they go again after it.
          const refused = answer.some((o) => o.outcome === 'rejected' || o.outcome === 'held');
          from += perRequest;
          indexes = refused ? [] : lane.slice(from, from + perRequest);
          // The lane's next request is on its way before this one's outcomes are marked.
          if (indexes.length > 0) {
            request = post(indexes);
            request.catch(() => undefined); // handled when awaited, after the marking
            await new Promise((resolve) => setImmediate(resolve));
          }
          grow();
        }
      }),
    );
    if (outcomes.length === 0 && firstError !== null) throw firstError;
    return outcomes;
  }

  /** One request: the hub's answer, one outcome per record in order, or a SinkError. */
  private async post(records: readonly AppliedEventRecord[]): Promise<RecordOutcome[]> {
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
