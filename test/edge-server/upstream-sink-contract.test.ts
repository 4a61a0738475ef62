/**
 * The upstream sink contract, run against every real sink: an edge server as an HTTP hub, and
 * NATS JetStream. What the forwarder relies on: records land in the order sent, one result each;
 * a resend of what landed is `duplicate`; after a restart, `landedPrefix` plus a resend of the
 * rest leaves each record upstream exactly once; an unreachable upstream is a retryable SinkError.
 */
import { uuidv7 } from 'uuidv7';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../../edge-server/forwarder/http-sink';
import { JetStreamSink } from '../../edge-server/forwarder/jetstream-sink';
import type { UpstreamSink } from '../../edge-server/forwarder/sink';
import { SinkError } from '../../edge-server/forwarder/sink';
import type { AppliedEventRecord } from '../../shared/protocol';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import type { NatsServer } from '../support/nats';
import { startNats, stopAllNats } from '../support/nats';

function records(count: number, site = 'CONTRACT'): AppliedEventRecord[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    site,
    type: 'start',
    origin: 'station',
    station: 'WC-CUT-1',
    seq: i + 1,
    code: `CT-${String(i + 1).padStart(4, '0')}`,
    nodeCode: 'CUT',
    operatorBadge: 'OP-0001',
    occurredAt: now,
    receivedAt: now,
    appliedAt: now,
    qty: 1,
    data: {},
    token: { code: `CT-${String(i + 1).padStart(4, '0')}`, branch: null, nodeCode: 'CUT', status: 'active' },
  }));
}

interface Upstream {
  /** A new sink (as after a restart of the forwarder). */
  sink: () => Promise<UpstreamSink>;
  /** A sink pointed at an address where nothing listens. */
  unreachable: () => Promise<UpstreamSink>;
  /** The ids the upstream holds, in the order it stored them. */
  landedIds: () => Promise<string[]>;
  close: () => Promise<void>;
}

const upstreams: Record<string, () => Promise<Upstream>> = {
  'HTTP hub (an edge server)': async () => {
    const hub: TestEdge = await startTestEdge({ env: { SITE_CODE: 'HUB', DEMO: '0' } });
    const admin = await hub.login('admin');
    const res = await fetch(`${hub.url}/api/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'CONTRACT' }),
    });
    const { credential } = (await res.json()) as { credential: string };
    return {
      sink: () => Promise.resolve(new HttpSink(hub.url, credential, 'CONTRACT', 2000)),
      unreachable: () => Promise.resolve(new HttpSink('http://127.0.0.1:1', credential, 'CONTRACT', 2000)),
      landedIds: () =>
        Promise.resolve(
          (
            hub.core.db.prepare('SELECT record_id FROM hub_record ORDER BY id').all() as {
              record_id: string;
            }[]
          ).map((r) => r.record_id),
        ),
      close: () => hub.close(),
    };
  },
  'NATS JetStream': async () => {
    const nats: NatsServer = await startNats();
    const settings = {
      servers: nats.url,
      stream: 'CONTRACT',
      subjectPrefix: 'contract',
      site: 'CONTRACT',
      duplicateWindowMs: 60_000,
      timeoutMs: 2000,
    };
    const open: UpstreamSink[] = [];
    const track = async (sink: Promise<UpstreamSink>): Promise<UpstreamSink> => {
      const s = await sink;
      open.push(s);
      return s;
    };
    return {
      sink: () => track(JetStreamSink.open(settings)),
      unreachable: async () => {
        try {
          return await track(JetStreamSink.open({ ...settings, servers: '127.0.0.1:1' }));
        } catch (error) {
          // Opening already fails: that is the retryable error the lazy sink reports.
          throw new SinkError(String(error), true);
        }
      },
      landedIds: async () => (await nats.messages('CONTRACT', 'contract.CONTRACT')).map((m) => m.msgId ?? ''),
      close: async () => {
        for (const s of open) await s.close().catch(() => undefined);
        await nats.close();
      },
    };
  },
};

afterAll(async () => {
  await stopAllNats();
});

for (const [name, make] of Object.entries(upstreams)) {
  describe(`upstream sink contract: ${name}`, () => {
    let upstream: Upstream;
    beforeAll(async () => {
      upstream = await make();
    });
    afterAll(async () => {
      await upstream.close();
    });
    let sink: UpstreamSink;
    afterEach(async () => {
      await sink.close();
    });

    it('FW-1, FW-2: lands records in the order sent, one accepted result each, and a resend is duplicate', async () => {
      sink = await upstream.sink();
      await sink.landedPrefix([]);
      const batch = records(5);
      const before = (await upstream.landedIds()).length;
      expect(await sink.send(batch)).toEqual(batch.map((r) => ({ id: r.id, outcome: 'accepted' })));
      expect((await upstream.landedIds()).slice(before)).toEqual(batch.map((r) => r.id));
      const again = await sink.send(batch);
      expect(again).toEqual(batch.map((r) => ({ id: r.id, outcome: 'duplicate' })));
      expect((await upstream.landedIds()).slice(before)).toEqual(batch.map((r) => r.id));
    });

    it('FW-6: after a restart, landedPrefix and a resend of the rest leave each record exactly once', async () => {
      const batch = records(6);
      const first = await upstream.sink();
      await first.landedPrefix([]);
      await first.send(batch.slice(0, 4));
      await first.close();
      sink = await upstream.sink();
      const landed = await sink.landedPrefix(batch);
      expect(landed === 0 || landed === 4).toBe(true);
      const results = await sink.send(batch.slice(landed));
      expect(results.map((r) => r.outcome)).toEqual(
        batch.slice(landed).map((_, i) => (landed + i < 4 ? 'duplicate' : 'accepted')),
      );
      const ids = await upstream.landedIds();
      for (const r of batch) expect(ids.filter((id) => id === r.id)).toHaveLength(1);
      expect(ids.slice(-batch.length)).toEqual(batch.map((r) => r.id));
    });

    it('FW-3: an unreachable upstream is a retryable SinkError', async () => {
      sink = await upstream.sink();
      let error: unknown;
      try {
        const unreachable = await upstream.unreachable();
        try {
          await unreachable.send(records(1));
        } finally {
          await unreachable.close();
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SinkError);
      expect((error as SinkError).retryable).toBe(true);
    });
  });
}
