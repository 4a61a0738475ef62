/**
 * The station's other requests through its one fetch, against a real edge server on loopback: the
 * snapshot and its deltas, the upstream states of its events, and an enrollment link redeemed (once).
 * Every request carries `Scan-Protocol-Version: 1`, and every answer passes its schema.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStationFetch } from '../../client/net/station-fetch';
import { OutboxStore, StationDb } from '../../client/outbox/dexie-outbox';
import { enroll } from '../../client/station/enrollment';
import { pullSnapshot } from '../../client/station/snapshot-cache';
import { PushEngine, pushOver } from '../../client/sync/push-engine';
import { refreshUpstreamStates } from '../../client/sync/upstream-status';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import { MemoryStorage } from './support/station-fixture';
import { en } from '../../client/i18n/en';

let edge: TestEdge | null = null;
afterEach(async () => {
  vi.unstubAllGlobals();
  await edge?.close();
  edge = null;
});

/** A page at `url` whose history the enrollment may rewrite. */
function page(url: string): Location {
  vi.stubGlobal('history', { replaceState: () => undefined });
  const { hash, pathname, search } = new URL(url);
  return { hash, pathname, search } as Location;
}

describe('the station’s requests against a real edge server', () => {
  it('SY-9: pulls the full snapshot, then a delta since its cursor, each answer parsed by its schema', async () => {
    edge = await startTestEdge();
    const stationFetch = createStationFetch({ baseUrl: edge.url, token: edge.stationToken('WC-CUT') });
    const full = await pullSnapshot(stationFetch, null);
    if (!full.ok) throw new Error(JSON.stringify(full.problem));
    expect(full.value.full).toBe(true);
    expect(full.value.tokens.length).toBeGreaterThan(0);
    expect(full.value.station.nodes.map((n) => n.nodeCode)).toContain('CUT');
    const delta = await pullSnapshot(stationFetch, full.value);
    if (!delta.ok) throw new Error(JSON.stringify(delta.problem));
    expect(delta.value.cursor).toBeTruthy();
    expect(delta.value.tokens).toEqual(full.value.tokens);

    const refused = await pullSnapshot(
      createStationFetch({ baseUrl: edge.url, token: 'st_not-a-token' }),
      null,
    );
    expect(refused).toMatchObject({ ok: false, problem: { kind: 'http', status: 401 } });
  });

  it('SY-9: asks which delivered events went upstream, and marks the forwarded ones', async () => {
    edge = await startTestEdge();
    const stationFetch = createStationFetch({ baseUrl: edge.url, token: edge.stationToken('WC-CUT') });
    const outbox = new OutboxStore(
      new StationDb(`upstream-${uuidv7()}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    );
    await outbox.record(
      {
        id: uuidv7(),
        type: 'start',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        operatorBadge: 'OP-0001',
        occurredAt: new Date().toISOString(),
      },
      'now',
    );
    const engine = new PushEngine(outbox, pushOver(stationFetch), {
      now: () => new Date(),
      random: () => 0.5,
    });
    expect(await engine.drain()).toEqual({ kind: 'done', pushed: 1 });
    const answer = await refreshUpstreamStates(stationFetch, outbox, () => new Date());
    if (!answer.ok) throw new Error(JSON.stringify(answer.problem));
    const forwarded = (await outbox.recent(10)).filter((e) => e.stateKind === 'forwarded');
    expect(answer.value).toBe(forwarded.length);
  });

  it('AU-4, ST-6: redeems an enrollment link once; a second time, or with no server, it says why in words', async () => {
    edge = await startTestEdge();
    const admin = await edge.login('admin');
    const res = await fetch(`${edge.url}/api/v1/admin/stations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'TABLET-9', workCenter: 'WC-CUT' }),
    });
    expect(res.status).toBe(201);
    const { enrollCode } = (await res.json()) as { enrollCode: string };
    const storage = new MemoryStorage();
    storage.setItem('scan-station.snapshot', '{"old":"station"}');
    const noCredential = createStationFetch({ baseUrl: edge.url, token: null });

    const first = await enroll(page(`${edge.url}/#enroll=${enrollCode}`), storage, noCredential);
    expect(first.problem).toBeNull();
    expect(first.token).toMatch(/.+/);
    expect(storage.getItem('scan-station.snapshot')).toBeNull(); // the previous station's cache goes

    const again = await enroll(page(`${edge.url}/#enroll=${enrollCode}`), new MemoryStorage(), noCredential);
    expect(again.token).toBeNull();
    expect(again.problem?.(en)).toBe(en.pages.notEnrolled.linkUsed);

    const away = createStationFetch({ baseUrl: 'http://127.0.0.1:1', token: null });
    const unreachable = await enroll(page('http://127.0.0.1:1/#enroll=enr_x'), new MemoryStorage(), away);
    expect(unreachable.token).toBeNull();
    expect(unreachable.problem?.(en)).toBe(en.pages.notEnrolled.unreachable);
  });
});
