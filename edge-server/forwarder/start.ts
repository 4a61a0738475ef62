/** @module The forwarder for the configured upstream (none, HTTP or JetStream), created with its sink; the server starts it. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../ops/metrics';
import type { StorageState } from '../ops/storage-health';
import { STORAGE_MESSAGES, storageProblem } from '../ops/storage-health';
import type { ForwarderOptions } from './forwarder';
import { Forwarder } from './forwarder';
import { DEFAULT_HTTP_IN_FLIGHT, HttpSink } from './http-sink';
import { DEFAULT_JETSTREAM_IN_FLIGHT, LazyJetStreamSink } from './jetstream-sink';
import type { UpstreamOutbox } from './outbox';
import type { UpstreamSink } from './sink';

export interface ForwarderDeps {
  config: Pick<Config, 'upstream' | 'siteCode' | 'forward'>;
  upstream: UpstreamOutbox;
  log: Logger;
  metrics: Metrics;
  storage: StorageState;
  clock: () => Date;
}

export function openSink(config: ForwarderDeps['config']): UpstreamSink | null {
  const { upstream, siteCode, forward } = config;
  switch (upstream.kind) {
    case 'none':
      return null;
    case 'http':
      return new HttpSink(
        upstream.url,
        upstream.credential,
        siteCode,
        forward.timeoutMs,
        forward.maxInFlight ?? DEFAULT_HTTP_IN_FLIGHT,
      );
    case 'jetstream':
      return new LazyJetStreamSink({
        servers: upstream.servers,
        stream: upstream.stream,
        subjectPrefix: upstream.subjectPrefix,
        site: siteCode,
        duplicateWindowMs: upstream.duplicateWindowMs,
        timeoutMs: forward.timeoutMs,
        maxInFlight: forward.maxInFlight ?? DEFAULT_JETSTREAM_IN_FLIGHT,
      });
  }
}

/** The forwarder, not yet running; with no upstream, null: applied events stay local (and say so). */
export function createForwarder(
  deps: ForwarderDeps,
  options: Partial<ForwarderOptions> = {},
): Forwarder | null {
  const sink = openSink(deps.config);
  if (!sink) return null;
  const { forward } = deps.config;
  return new Forwarder(
    deps.upstream,
    sink,
    deps.log,
    {
      batchSize: forward.batchSize,
      maxPermanentFailures: forward.maxPermanentFailures,
      backoffBaseMs: forward.backoffBaseMs,
      backoffMaxMs: forward.backoffMaxMs,
      idleMs: forward.idleMs,
      now: deps.clock,
      ...options,
    },
    {
      onForwarded: (n) => {
        deps.metrics.upstreamForwarded.inc(n);
        deps.storage.succeeded('forwarder'); // clears only what the forwarder itself met: moving the cursor needs no new space
      },
      onFailure: (kind) => deps.metrics.upstreamFailures.inc({ kind }),
      onStepError: (error) => {
        const problem = storageProblem(error);
        if (!problem) return null;
        deps.storage.failed(problem, deps.clock(), 'forwarder');
        return `cannot record what was forwarded: ${STORAGE_MESSAGES[problem]}`;
      },
    },
  );
}
