/**
 * @module The NATS JetStream sink: one message per record on `<prefix>.<site>`, with Nats-Msg-Id
 * and Nats-Expected-Last-Subject-Sequence. JetStream's duplicate window is short and an outage may
 * last days, so exactly-once rests on this server being the single writer of its subject: before
 * sending after a start or an unclear outcome it reads the subject's last message, and everything
 * up to that record has landed (records are published one at a time, in order).
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
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
}

const NANOS_PER_MS = 1_000_000;

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

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly settings: JetStreamSettings,
  ) {
    this.subject = `${settings.subjectPrefix}.${settings.site}`;
    this.target = `nats://${settings.servers} stream ${settings.stream} subject ${this.subject}`;
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
      return new JetStreamSink(nc, jetstream(nc, { timeout: settings.timeoutMs }), jsm, settings);
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

  async send(records: readonly AppliedEventRecord[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    let start = 0;
    if (this.lastSequence === null) {
      start = await this.landedPrefix(records);
      for (const r of records.slice(0, start)) outcomes.push({ id: r.id, outcome: 'duplicate' });
    }
    for (const record of records.slice(start)) {
      try {
        const ack = await this.js.publish(this.subject, JSON.stringify(record), {
          msgID: record.id,
          expect: { lastSubjectSequence: this.lastSequence ?? 0 },
        });
        this.lastSequence = ack.seq;
        outcomes.push({ id: record.id, outcome: ack.duplicate ? 'duplicate' : 'accepted' });
      } catch (error) {
        const message = String((error as Error).message ?? error);
        if (/message size exceeds|maximum payload/i.test(message)) {
          // Stop here: nothing after a refused record may land before it (order, and recovery
          // counts every pending record up to the subject's last message as landed).
          outcomes.push({ id: record.id, outcome: 'rejected', reason: message });
          return outcomes;
        }
        // A timeout may have landed; a wrong last sequence means what we believed is stale.
        this.lastSequence = null;
        if (outcomes.length > 0) return outcomes;
        throw new SinkError(`publish to ${this.subject} failed: ${message}`, true, 0, true);
      }
    }
    return outcomes;
  }

  async close(): Promise<void> {
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

  async send(records: readonly AppliedEventRecord[]): Promise<RecordOutcome[]> {
    return (await this.open()).send(records);
  }

  async landedPrefix(records: readonly AppliedEventRecord[]): Promise<number> {
    return (await this.open()).landedPrefix(records);
  }

  async close(): Promise<void> {
    await this.sink?.close();
    this.sink = null;
  }
}
