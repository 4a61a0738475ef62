/**
 * @module The upstream sink: where the forwarder sends applied-event records (HTTP or JetStream).
 * A sink sends records in the order given and says, per record, whether it landed; a failure of
 * the whole send is a SinkError that says whether trying again can help.
 */
import type { AppliedEventRecord } from '../../shared/protocol';

export type RecordOutcome =
  | { id: string; outcome: 'accepted' | 'duplicate' }
  | { id: string; outcome: 'rejected'; reason: string }
  /** Not taken because an earlier record of its token in the same send was rejected: send it again later. */
  | { id: string; outcome: 'held'; reason: string };

export interface UpstreamSink {
  /** 'http' or 'jetstream', for logs, metrics and the API. */
  readonly kind: string;
  /** Where it sends, for people (no credentials). */
  readonly target: string;
  /**
   * How many batches the forwarder may hand to one send (HTTP: one request each, in flight at
   * once); one when absent. A sink that answers `landedPrefix` from the upstream takes one batch, so
   * that what landed unmarked is never more than recovery reads (one batch of at most 500).
   */
  readonly batchesPerSend?: number;
  /**
   * Sends records in order, several at once where the sink can (PF-31, PF-34): at most `perBatch`
   * records in one request where it sends batches. The outcomes are of a prefix of the records, in
   * the same order: records after the first one that did not land (or was not sent) are missing
   * from them, and are sent again later. While later records are still in flight, `onSettled` hears
   * of the outcomes known so far (a growing prefix), so that the forwarder can mark them meanwhile.
   */
  send(
    records: readonly AppliedEventRecord[],
    perBatch?: number,
    onSettled?: (outcomes: readonly RecordOutcome[]) => void,
  ): Promise<RecordOutcome[]>;
  /**
   * After a start or an unclear outcome: of the records about to be sent (in order), how many
   * already landed (a prefix). A sink that de-duplicates by id on its own may answer 0.
   */
  landedPrefix(records: readonly AppliedEventRecord[]): Promise<number>;
  close(): Promise<void>;
}

export class SinkError extends Error {
  constructor(
    message: string,
    /** Network errors, timeouts, 5xx, 408, 429: trying again later can help. */
    readonly retryable: boolean,
    /** A wait the upstream asked for (429 Retry-After). */
    readonly retryAfterMs?: number,
    /** The send may have landed in part (a timeout after sending): check before sending again. */
    readonly unclear = false,
  ) {
    super(message);
  }
}

/**
 * HTTP statuses worth trying again: timeouts, rate limits and server errors; also 401 and 403, a
 * credential problem of the whole site that a person fixes, not a fault of any record (refusing
 * record after record would only fill the dead letters).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}
