/** @module Starts the forwarder for the configured upstream (none, HTTP or JetStream). */
import type { Site } from '../site';
import { STORAGE_MESSAGES, storageProblem } from '../storage-health';
import type { ForwarderOptions } from './forwarder';
import { Forwarder } from './forwarder';
import { HttpSink } from './http-sink';
import { LazyJetStreamSink } from './jetstream-sink';
import type { UpstreamSink } from './sink';

export function openSink(site: Site): UpstreamSink | null {
  const { upstream, siteCode, forward } = site.config;
  switch (upstream.kind) {
    case 'none':
      return null;
    case 'http':
      return new HttpSink(upstream.url, upstream.credential, siteCode, forward.timeoutMs);
    case 'jetstream':
      return new LazyJetStreamSink({
        servers: upstream.servers,
        stream: upstream.stream,
        subjectPrefix: upstream.subjectPrefix,
        site: siteCode,
        duplicateWindowMs: upstream.duplicateWindowMs,
        timeoutMs: forward.timeoutMs,
      });
  }
}

/** Opens the sink and runs the forwarder loop; with no upstream, events stay local (and say so). */
export function startForwarder(site: Site, options: Partial<ForwarderOptions> = {}): Forwarder | null {
  const sink = openSink(site);
  if (!sink) {
    site.log.info('no upstream configured: applied events stay in the local outbox');
    return null;
  }
  const forwarder = new Forwarder(
    site.upstream,
    sink,
    site.log,
    {
      batchSize: site.config.forward.batchSize,
      maxPermanentFailures: site.config.forward.maxPermanentFailures,
      backoffBaseMs: site.config.forward.backoffBaseMs,
      backoffMaxMs: site.config.forward.backoffMaxMs,
      idleMs: site.config.forward.idleMs,
      now: site.clock,
      ...options,
    },
    {
      onForwarded: (n) => {
        site.metrics.upstreamForwarded.inc(n);
        site.storage.succeeded(); // marking them forwarded was a write that went through
      },
      onFailure: (kind) => site.metrics.upstreamFailures.inc({ kind }),
      onStepError: (error) => {
        const problem = storageProblem(error);
        if (!problem) return null;
        site.storage.failed(problem, site.clock());
        return `cannot record what was forwarded: ${STORAGE_MESSAGES[problem]}`;
      },
    },
  );
  site.forwarder = forwarder;
  forwarder.start();
  site.log.info({ sink: sink.kind, target: sink.target }, 'forwarding applied events upstream');
  return forwarder;
}
