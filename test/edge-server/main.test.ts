/**
 * `npm start`'s entry point as a process: the demo on an empty DATA_DIR (and only then), DEMO=0,
 * and a start-up that refuses a database whose schema drifted from the migrations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../edge-server/db/migrate';
import type { DemoFile } from '../../edge-server/ops/demo';
import { startEdge, stopAllEdges, stopEdge } from '../support/edge-process';

const dirs: string[] = [];
const dataDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-main-'));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  await stopAllEdges();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('OP-7: loads the demo into an empty DATA_DIR, writes demo.json as documented, and does not load it twice', async () => {
    const dir = dataDir();
    const edge = await startEdge(dir);
    const demo = JSON.parse(fs.readFileSync(path.join(dir, 'demo.json'), 'utf8')) as DemoFile;
    expect(demo.stations.map((s) => s.workCenter).sort()).toEqual(
      ['WC-ASM', 'WC-CUT', 'WC-EDGE', 'WC-FIN', 'WC-PACK', 'WC-QC', 'WC-SEW', 'WC-STITCH'].sort(),
    );
    for (const station of demo.stations) {
      expect(Object.keys(station).sort()).toEqual([
        'enrollUrl',
        'lanEnrollUrls',
        'name',
        'nodeCodes',
        'token',
        'workCenter',
      ]);
      expect(station.enrollUrl).toMatch(/^http:\/\/localhost:\d+\/#enroll=enr_/);
      expect(station.lanEnrollUrls).toEqual([]); // HOST=127.0.0.1: no LAN address
      expect(station.nodeCodes.length).toBeGreaterThan(0);
    }
    expect(demo.stations.find((s) => s.workCenter === 'WC-EDGE')?.nodeCodes.sort()).toEqual([
      'EDGE',
      'EDGE-BODY',
    ]);
    expect(demo.supervisor.username).toBe('supervisor');
    expect(demo.pinOperator).toEqual({ badge: 'OP-0006', pin: expect.stringMatching(/^\d{4}$/) });
    const snapshot = await fetch(`${edge.url}/api/v1/station/snapshot`, {
      headers: { authorization: `Bearer ${demo.stations.find((s) => s.workCenter === 'WC-CUT')?.token}` },
    });
    const body = (await snapshot.json()) as { tokens: { code: string }[] };
    expect(body.tokens.map((t) => t.code).sort()).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `BV-DEMO-${String(i + 1).padStart(4, '0')}`),
      ...Array.from({ length: 5 }, (_, i) => `WL-DEMO-${String(i + 1).padStart(4, '0')}`),
    ]);
    await stopEdge(edge);

    const again = await startEdge(dir);
    await stopEdge(again);
    const db = new Database(path.join(dir, 'edge.sqlite'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM job_ticket').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM station').get()).toEqual({ n: 8 });
    db.close();
  });

  it('OP-7: DEMO=0 starts an empty site', async () => {
    const dir = dataDir();
    const edge = await startEdge(dir, { DEMO: '0' });
    const health = await fetch(`${edge.url}/api/v1/health`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      schemaVersion: loadMigrations().at(-1)?.version,
    });
    await stopEdge(edge);
    expect(fs.existsSync(path.join(dir, 'demo.json'))).toBe(false);
    const db = new Database(path.join(dir, 'edge.sqlite'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM routing_graph').get()).toEqual({ n: 0 });
    db.close();
  });

  it('OP-1: refuses to start on a database whose schema drifted, naming what differs', async () => {
    const dir = dataDir();
    await stopEdge(await startEdge(dir, { DEMO: '0' }));
    const db = new Database(path.join(dir, 'edge.sqlite'));
    db.exec('DROP INDEX flow_token_change');
    db.close();
    await expect(startEdge(dir, { DEMO: '0' })).rejects.toThrow(/flow_token_change/);
  });

  it('AD-3, ST-14: a STATION_LANGUAGE other than th or en stops the start naming the setting and the value', async () => {
    const dir = dataDir();
    await expect(startEdge(dir, { STATION_LANGUAGE: 'fr' })).rejects.toThrow(
      /STATION_LANGUAGE: must be th or en, not "fr"/,
    );
    expect(fs.existsSync(path.join(dir, 'edge.sqlite'))).toBe(false);
  });
});
