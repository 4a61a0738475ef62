/**
 * SV-2: the floor figures the triggers keep equal a recount from the tokens and the event log after
 * random workloads through the real paths (pushes over HTTP, parked events retried, parking expiry,
 * conflicts applied anyway or discarded, tickets created, splits and joins), and a rebuild gives
 * the same figures back.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../edge-server/db/migrate';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import {
  readCountFigures,
  readDoneFigures,
  rebuildFloorFigures,
  recountCountFigures,
  recountDoneFigures,
} from '../../edge-server/supervisor/floor-figures';
import type { TestEdge } from '../support/edge';
import { push, stationEvent, startTestEdge } from '../support/edge';

let edge: TestEdge;
let supervisor: string;
let admin: string;

beforeAll(async () => {
  edge = await startTestEdge();
  supervisor = await edge.login('supervisor');
  admin = await edge.login('admin');
});
afterAll(async () => edge.close());

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = [
  'start',
  'start',
  'pause',
  'resume',
  'complete',
  'complete',
  'complete',
  'complete',
  'qc_pass',
  'qc_pass',
  'qc_fail',
  'scrap',
];

async function api(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${edge.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

function expectFiguresMatch(): void {
  const db = edge.core.db;
  expect(readCountFigures(db)).toEqual(recountCountFigures(db));
  expect(readDoneFigures(db)).toEqual(recountDoneFigures(db));
}

describe('floor figures', () => {
  it('SV-2: figures equal a recount from tokens and events after a random workload, and after a rebuild', async () => {
    const rand = random(20261201);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const db = edge.core.db;
    // More work: a batch ticket (units = qty) and more serials of the tote.
    for (const body of [
      { code: 'FF-BATCH', routing: 'BAG-TOTE', processMode: 'batch', qty: 7 },
      { code: 'FF-PIECE', routing: 'BAG-TOTE', qty: 6, serialPrefix: 'FF-' },
    ]) {
      expect((await api('POST', '/admin/tickets', admin, body)).status).toBe(201);
    }
    const stations = edge.demo.stations;
    const seqs = new Map<string, number>();
    const nodesOf = new Map<string, string[]>();
    for (const row of db
      .prepare(
        `SELECT t.code, n.code AS node FROM flow_token t JOIN routing_node n ON n.graph_id = t.graph_id
         WHERE t.parent_token_id IS NULL AND n.node_type = 'operation'`,
      )
      .all() as { code: string; node: string }[]) {
      nodesOf.set(row.code, [...(nodesOf.get(row.code) ?? []), row.node]);
    }
    const codes = [...nodesOf.keys()];
    const base = Date.now() - 3 * 3600_000;

    const liveNodes = db.prepare(
      `SELECT node_code FROM flow_token WHERE root_token_id = (SELECT id FROM flow_token WHERE code = ? AND parent_token_id IS NULL)
         AND status IN ('ready', 'active', 'paused')`,
    );
    /** Mostly where the item is (so it moves on), sometimes anywhere on its routing (parked, refused). */
    const nodeFor = (code: string): string => {
      const here = liveNodes.pluck().all(code) as string[];
      return here.length > 0 && rand() < 0.75 ? pick(here) : pick(nodesOf.get(code) ?? []);
    };

    for (let round = 0; round < 150; round++) {
      // A push: a few events of one station, at times a little out of order (PK-6 retries).
      const firstCode = pick(codes);
      const firstNode = nodeFor(firstCode);
      const station = pick(stations.filter((s) => s.nodeCodes.includes(firstNode)));
      const batch = [];
      for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
        const code = i === 0 ? firstCode : pick(codes);
        const nodeCode = i === 0 ? firstNode : nodeFor(code);
        if (!station.nodeCodes.includes(nodeCode)) continue;
        const type = pick(TYPES);
        const seq = (seqs.get(station.name) ?? 0) + 1;
        seqs.set(station.name, seq);
        batch.push(
          stationEvent({
            seq,
            type: type === 'scrap' && rand() < 0.9 ? 'complete' : type,
            code,
            nodeCode,
            occurredAt: new Date(base + round * 60_000 + Math.floor(rand() * 300_000)).toISOString(),
            ...(type === 'scrap' ? { data: { reason: 'test' } } : {}),
          }),
        );
      }
      if (batch.length > 0) expect((await push(edge.url, station.token, batch)).status).toBe(200);

      if (round % 10 === 9) {
        // Parking windows end: conflicts; a supervisor applies some anyway, discards others.
        expireParkedEvents(edge.core, new Date(Date.now() + 24 * 3600_000));
        const open = (await api('GET', '/supervisor/conflicts?limit=500', supervisor)).body.conflicts as {
          id: number;
        }[];
        for (const c of open) {
          const action = rand() < 0.6 ? 'apply' : 'discard';
          const res = await api('POST', `/supervisor/conflicts/${c.id}/resolve`, supervisor, { action });
          expect([200, 409]).toContain(res.status);
        }
      }
      if (round % 5 === 4) expectFiguresMatch();
    }
    expectFiguresMatch();
    // The workload reached the split, the join and past them.
    const statuses = db.prepare('SELECT DISTINCT status FROM flow_token').pluck().all();
    expect(statuses).toEqual(expect.arrayContaining(['split', 'ready', 'completed']));
    expect(readDoneFigures(db).length).toBeGreaterThan(0);

    const before = { counts: readCountFigures(db), done: readDoneFigures(db) };
    db.prepare('UPDATE floor_count SET tokens = tokens + 3').run();
    db.prepare('DELETE FROM floor_done').run();
    rebuildFloorFigures(db);
    expect({ counts: readCountFigures(db), done: readDoneFigures(db) }).toEqual(before);
  });
});

describe('migration 0003', () => {
  it('SV-2: a site that already has tokens and events starts with figures counted from them', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(
      db,
      loadMigrations().filter((m) => m.version < 3),
    );
    const t = '2026-12-01T08:15:00.000Z';
    db.exec(`
      INSERT INTO routing_graph VALUES (1, 'R', 1, 'R', 'linear', 'h', '{}', '${t}');
      INSERT INTO job_ticket VALUES (1, 'TK', 1, 'linear', 'batch', 'p', 9, '${t}');
      INSERT INTO flow_token (id, ticket_id, graph_id, code, root_token_id, node_code, status, qty, status_since, change_seq, created_at)
      VALUES (1, 1, 1, 'A', 1, 'N1', 'ready', 4, '2026-12-01T08:00:00.000Z', 1, '${t}'),
             (2, 1, 1, 'B', 2, 'N1', 'ready', 5, '2026-12-01T07:00:00.000Z', 1, '${t}'),
             (3, 1, 1, 'C', 3, 'N2', 'completed', 2, '${t}', 1, '${t}');
      -- A station event names its station, as ingest always stored it (0015 derives origin from it).
      INSERT INTO station (id, name, token_hash, enrolled_at) VALUES (1, 'S', 'th', '${t}');
      INSERT INTO token_event (event_id, content_hash, origin, event_type, station_id, code, node_code, occurred_at,
        occurred_at_corrected, received_at, qty, data_json, root_token_id, token_id, status, result_json)
      VALUES ('e1', 'h', 'station', 'complete', 1, 'C', 'N1', '${t}', '${t}', '${t}', NULL, '{}', 3, 3, 'applied', '{}'),
             ('e2', 'h', 'station', 'complete', 1, 'C', 'N2', '${t}', '${t}', '${t}', 2, '{}', 3, 3, 'applied', '{}'),
             ('e3', 'h', 'station', 'start', 1, 'A', 'N1', '${t}', '${t}', '${t}', NULL, '{}', 1, 1, 'applied', '{}'),
             ('e4', 'h', 'station', 'complete', 1, 'A', 'N1', '${t}', '${t}', '${t}', NULL, '{}', 1, 1, 'parked', '{}');
    `);
    migrate(db, loadMigrations());
    expect(readCountFigures(db)).toEqual([
      {
        graph_id: 1,
        node_code: 'N1',
        status: 'ready',
        tokens: 2,
        units: 9,
        oldest_since: '2026-12-01T07:00:00.000Z',
      },
    ]);
    expect(readDoneFigures(db)).toEqual([
      { graph_id: 1, node_code: 'N1', hour: '2026-12-01T08:00:00Z', ticket_id: 1, completions: 1, units: 2 },
      { graph_id: 1, node_code: 'N2', hour: '2026-12-01T08:00:00Z', ticket_id: 1, completions: 1, units: 2 },
    ]);
    expect(readCountFigures(db)).toEqual(recountCountFigures(db));
    expect(readDoneFigures(db)).toEqual(recountDoneFigures(db));
    db.close();
  });
});
