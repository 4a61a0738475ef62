/**
 * @module The NATS JetStream sink: one message per record on `<prefix>.<site>`, with Nats-Msg-Id
 * and Nats-Expected-Last-Subject-Sequence. JetStream's duplicate window is short and an outage may
 * last days, so exactly-once rests on this server being the single writer of its subject: before
 * sending after a start or an unclear outcome it reads the subject's last message, and everything
 * up to that record has landed: records are published in order, several in flight at once, each
 * expecting the subject sequence its predecessor gets, so none lands after one that did not.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { connect, createInbox, headers } from '@nats-io/transport-node';
import type { AppliedEventRecord } from '../../shared/protocol';
import type { RecordOutcome, UpstreamSink } from './sink';
import { SinkError } from './sink';

export interface JetStreamSettings {
  servers: string;
  stream: string;
  subjectPrefix: string;
  site: string;
  /** The stream's de-duplication window when this server creates the stream. */
  duplicateWindowMs: number;
  timeoutMs: number;
  /** Publishes awaiting their acknowledgement at once (default DEFAULT_JETSTREAM_IN_FLIGHT). */
  maxInFlight?: number;
}

const NANOS_PER_MS = 1_000_000;

/** Publishes awaiting their acknowledgement at once when FORWARD_MAX_IN_FLIGHT is not set. */
export const DEFAULT_JETSTREAM_IN_FLIGHT = 256;

/** A JetStream publish acknowledgement (PubAck), or its refusal. */
interface AckBody {
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

type Published =
  { ok: true; id: string; seq: number; duplicate: boolean } | { ok: false; id: string; message: string };

/** NATS subject matching: `*` stands for one token, a final `>` for one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return i === want.length - 1 && have.length > i;
    if (i >= have.length || (want[i] !== '*' && want[i] !== have[i])) return false;
  }
  return want.length === have.length;
}

export class JetStreamSink implements UpstreamSink {
  readonly kind = 'jetstream';
  readonly target: string;
  readonly subject: string;
  /** The stream sequence of the subject's last message, once known; null means: ask the stream. */
  private lastSequence: number | null = null;
  private readonly maxInFlight: number;
  /**
   * Publishes wait for their acknowledgement on `<inbox>.<n>`, one subscription for all: the
   * client's request() costs a timer, an inbox entry and a promise chain per message, several
   * times the publish itself.
   */
  private readonly inbox = createInbox();
  private readonly acks: Subscription;
  private readonly waiting = new Map<string, (result: AckBody | string) => void>();
  private nextReply = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly settings: JetStreamSettings,
  ) {
    this.subject = `${settings.subjectPrefix}.${settings.site}`;
    this.target = `nats://${settings.servers} stream ${settings.stream} subject ${this.subject}`;
    this.maxInFlight = Math.max(1, settings.maxInFlight ?? DEFAULT_JETSTREAM_IN_FLIGHT);
    this.acks = nc.subscribe(`${this.inbox}.*`, { callback: (_error, msg) => this.acknowledged(msg) });
  }

  private acknowledged(msg: Msg): void {
    const key = msg.subject.slice(this.inbox.length + 1);
    const resolve = this.waiting.get(key);
    if (!resolve) return; // given up on (a timeout): the send that waited for it is over
    this.waiting.delete(key);
    let body: AckBody;
    try {
      body = JSON.parse(new TextDecoder().decode(msg.data)) as AckBody;
    } catch {
      resolve(`an acknowledgement that is not JSON (status ${msg.headers?.code ?? '?'})`);
      return;
    }
    resolve(body);
  }

  /** Connects, and creates the stream or checks that it takes this site's subject. */
  static async open(settings: JetStreamSettings): Promise<JetStreamSink> {
    const nc = await connect({
      servers: settings.servers,
      maxReconnectAttempts: -1,
      name: `edge ${settings.site}`,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const subjects = `${settings.subjectPrefix}.>`;
      const existing = await jsm.streams.info(settings.stream).catch(() => null);
      if (!existing) {
        await jsm.streams.add({
          name: settings.stream,
          subjects: [subjects],
          duplicate_window: settings.duplicateWindowMs * NANOS_PER_MS,
        });
      } else if (
        !existing.config.subjects?.some((s) =>
          subjectMatches(s, `${settings.subjectPrefix}.${settings.site}`),
        )
      ) {
        throw new Error(
          `stream ${settings.stream} exists but does not take subject ${settings.subjectPrefix}.${settings.site} (its subjects: ${existing.config.subjects?.join(', ')})`,
        );
      } else if (existing.config.retention !== 'limits') {
        // Recovery reads the subject's last message; a stream that drops consumed messages loses it.
        throw new Error(
          `stream ${settings.stream} uses ${existing.config.retention} retention; forwarding exactly once needs limits retention (the subject's last message must stay)`,
        );
      }
      return new JetStreamSink(nc, jsm, settings);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async landedPrefix(records: readonly AppliedEventRecord[]): Promise<number> {
    let last: { seq: number; id: string | null };
    try {
      const message = await this.jsm.streams.getMessage(this.settings.stream, { last_by_subj: this.subject });
      last = message
        ? { seq: message.seq, id: message.header?.get('Nats-Msg-Id') ?? null }
        : { seq: 0, id: null };
    } catch (error) {
      if (!/no message found/i.test(String(error))) {
        throw new SinkError(
          `cannot read the last message of ${this.subject}: ${String(error)}`,
          true,
          0,
          true,
        );
      }
      last = { seq: 0, id: null };
    }
    this.lastSequence = last.seq;
    if (last.id === null) return 0;
    return records.findIndex((r) => r.id === last.id) + 1;
  }

  /**
   * Publishes the records in order with up to `maxInFlight` unacknowledged at once (PF-31). This
   * server is the subject's single writer, so record k of a run lands at the subject's sequence
   * base + k + 1 and is published expecting base + k; from the second record on it also expects
   * the stream's last message to be its predecessor, so that no record can land after one that
   * did not (a message of another writer taking exactly the predecessor's place is refused too).
   * At the first publish that fails, no more are sent and the ones in flight are waited for; the
   * outcomes are the prefix that landed.
   */
  async send(
    records: readonly AppliedEventRecord[],
    _perBatch?: number,
    onSettled?: (outcomes: readonly RecordOutcome[]) => void,
  ): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    let start = 0;
    if (this.lastSequence === null) {
      start = await this.landedPrefix(records);
      for (const r of records.slice(0, start)) outcomes.push({ id: r.id, outcome: 'duplicate' });
    }
    const base = this.lastSequence ?? 0;
    // Publishes go out in bursts (one socket write each): up to maxInFlight, then again once half
    // of them are acknowledged. Acknowledgements are taken in order.
    const lowWater = Math.floor(this.maxInFlight / 2);
    /** Marking is a transaction (a commit each): what landed is reported in chunks at least this big. */
    const reportEvery = Math.max(lowWater, 64);
    const results: (Published | undefined)[] = [];
    const pending: Promise<unknown>[] = [];
    let issued = start;
    let taken = start;
    let failure = null as string | null; // set in take()
    let landedAfterFailure = false;
    let reported = 0;
    const take = (): void => {
      for (let r = results[taken]; r !== undefined; r = results[taken]) {
        taken++;
        if (failure !== null) {
          // The expectations refuse everything after a record that did not land; check anyway.
          if (r.ok) landedAfterFailure = true;
        } else if (r.ok) {
          this.lastSequence = r.seq;
          outcomes.push({ id: r.id, outcome: r.duplicate ? 'duplicate' : 'accepted' });
        } else {
          failure = r.message;
          if (/message size exceeds|maximum payload/i.test(failure)) {
            // The record itself is refused, for good: it is the outcome after the prefix.
            outcomes.push({ id: r.id, outcome: 'rejected', reason: failure });
          } else {
            // A timeout may have landed; a wrong last sequence means what we believed is stale.
            this.lastSequence = null;
          }
        }
      }
    };
    while (taken < records.length) {
      while (failure === null && issued < records.length && issued - taken < this.maxInFlight) {
        const i = issued++;
        const previous = i > start ? (records[i - 1]?.id ?? null) : null;
        pending[i] = this.publish(records[i] as AppliedEventRecord, base + (i - start), previous).then(
          (r) => (results[i] = r),
        );
      }
      if (taken === issued) break;
      if (onSettled && failure === null && outcomes.length >= reported + reportEvery) {
        // What landed so far is marked while the burst just written is in flight (the client
        // writes its buffer in a microtask: let it go first).
        await Promise.resolve();
        reported = outcomes.length;
        onSettled(outcomes);
      }
      do {
        await pending[taken];
        take();
      } while (failure === null && issued < records.length && issued - taken > lowWater);
    }
    if (landedAfterFailure) {
      this.lastSequence = null;
      throw new SinkError(
        `publish to ${this.subject}: a record landed after one that did not (another writer on the subject?)`,
        true,
        0,
        true,
      );
    }
    if (failure !== null && outcomes.length === 0) {
      throw new SinkError(`publish to ${this.subject} failed: ${failure}`, true, 0, true);
    }
    return outcomes;
  }

  /** One publish, settled either way (a refusal is an outcome here, not an exception). */
  private publish(
    record: AppliedEventRecord,
    expectedLastSubjectSequence: number,
    previousId: string | null,
  ): Promise<Published> {
    const key = String(this.nextReply++);
    const h = headers();
    h.set('Nats-Msg-Id', record.id);
    h.set('Nats-Expected-Last-Subject-Sequence', String(expectedLastSubjectSequence));
    if (previousId !== null) h.set('Nats-Expected-Last-Msg-Id', previousId);
    const settled = new Promise<AckBody | string>((resolve) => {
      this.waiting.set(key, resolve);
      const timer = setTimeout(() => {
        if (this.waiting.delete(key)) resolve(`no acknowledgement within ${this.settings.timeoutMs} ms`);
      }, this.settings.timeoutMs);
      timer.unref();
    });
    try {
      this.nc.publish(this.subject, JSON.stringify(record), { headers: h, reply: `${this.inbox}.${key}` });
    } catch (error) {
      this.waiting.delete(key);
      return Promise.resolve({
        ok: false,
        id: record.id,
        message: String((error as Error).message ?? error),
      });
    }
    return settled.then((ack): Published => {
      if (typeof ack === 'string') return { ok: false, id: record.id, message: ack };
      if (ack.error)
        return { ok: false, id: record.id, message: ack.error.description ?? JSON.stringify(ack.error) };
      if (typeof ack.seq !== 'number')
        return { ok: false, id: record.id, message: 'an acknowledgement without a sequence' };
      return { ok: true, id: record.id, seq: ack.seq, duplicate: ack.duplicate === true };
    });
  }

  async close(): Promise<void> {
    this.acks.unsubscribe();
    for (const resolve of this.waiting.values()) resolve('the connection was closed');
    this.waiting.clear();
    await this.nc.close();
  }
}

/**
 * The sink the forwarder uses: connects (and creates or checks the stream) on first use and again
 * after a failed connect, so that an edge server starts and ingests while NATS is down.
 */
export class LazyJetStreamSink implements UpstreamSink {
  readonly kind = 'jetstream';
  readonly target: string;
  private sink: JetStreamSink | null = null;

  constructor(private readonly settings: JetStreamSettings) {
    this.target = `nats://${settings.servers} stream ${settings.stream} subject ${settings.subjectPrefix}.${settings.site}`;
  }

  private async open(): Promise<JetStreamSink> {
    if (this.sink) return this.sink;
    try {
      this.sink = await JetStreamSink.open(this.settings);
      return this.sink;
    } catch (error) {
      throw new SinkError(
        `JetStream at ${this.settings.servers}: ${String((error as Error).message ?? error)}`,
        true,
      );
    }
  }

  async send(
    records: readonly AppliedEventRecord[],
    perBatch?: number,
    onSettled?: (outcomes: readonly RecordOutcome[]) => void,
  ): Promise<RecordOutcome[]> {
    return (await this.open()).send(records, perBatch, onSettled);
  }

  async landedPrefix(records: readonly AppliedEventRecord[]): Promise<number> {
    return (await this.open()).landedPrefix(records);
  }

  async close(): Promise<void> {
    await this.sink?.close();
    this.sink = null;
  }
}
