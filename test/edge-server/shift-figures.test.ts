/**
 * The shift figures (SV-50 … SV-56) on a real edge server with the demo: totes pushed through
 * the bag routing by its stations (completes, a QC fail then a pass after rework, a first-time
 * pass, a QC decision that was parked and applied later, a scrap), then the figures a supervisor
 * reads: throughput in the current hour, first-pass yield, scrap, rework, WIP ageing as time goes
 * by; the triggers' table equal to a recount with the pure rules; bad queries named in a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FiguresNode, ShiftFigures } from '../../shared/figures-api';
import { shiftFiguresSchema } from '../../shared/figures-api';
import { hourBucket } from '../../shared/floor-board';
import { readQualityFigures, recountQualityFigures } from '../../edge-server/supervisor/shift-figures';
import type { TestEdge } from '../support/edge';
import { TestStation, push, startTestEdge } from '../support/edge';

let edge: TestEdge;
let supervisor: string;
/** The server's clock runs this far ahead of the real one (WIP ageing as time goes by). */
let offsetMs = 0;
const pushedAt = new Date();

async function get(path: string, token = supervisor): Promise<{ status: number; body: any }> {
  const res = await fetch(`${edge.url}/api/v1/supervisor${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

/** The figures of the shift the pushes fell in (whatever the server's clock says now). */
async function figures(query = ''): Promise<ShiftFigures> {
  const res = await get(`/figures?shift=${encodeURIComponent(pushedAt.toISOString())}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return shiftFiguresSchema.parse(res.body);
}

function node(f: ShiftFigures, code: string, routing = 'BAG-TOTE'): FiguresNode {
  const found = f.routings.find((r) => r.code === routing)?.nodes.find((n) => n.code === code);
  if (!found) throw new Error(`no node ${routing}/${code} in the figures`);
  return found;
}

const station = (wc: string): TestStation => new TestStation(edge.url, edge.stationToken(wc));

beforeAll(async () => {
  edge = await startTestEdge({ clock: () => new Date(Date.now() + offsetMs) });
  supervisor = await edge.login('supervisor');
  const [cut, edgeSt, stitch, asm, qc] = ['WC-CUT', 'WC-EDGE', 'WC-STITCH', 'WC-ASM', 'WC-QC'].map(
    station,
  ) as [TestStation, TestStation, TestStation, TestStation, TestStation];
  const toAssembly = async (code: string) => {
    for (const [s, n] of [
      [cut, 'CUT'],
      [edgeSt, 'EDGE-BODY'],
      [stitch, 'STITCH-STRAP'],
    ] as const) {
      await s.send('start', code, n);
      await s.send('complete', code, n);
    }
    await asm.send('start', code, 'ASSEMBLE');
  };
  // Tote 1: fails QC, is reworked at assembly, then passes: not a first pass.
  await toAssembly('BV-DEMO-0001');
  await asm.send('complete', 'BV-DEMO-0001', 'ASSEMBLE');
  await qc.send('start', 'BV-DEMO-0001', 'QC-FINAL');
  expect(await qc.send('qc_fail', 'BV-DEMO-0001', 'QC-FINAL', { reason: 'glue stain' })).toMatchObject({
    status: 'applied',
    token: { nodeCode: 'ASSEMBLE', status: 'ready' },
  });
  await asm.send('start', 'BV-DEMO-0001', 'ASSEMBLE');
  await asm.send('complete', 'BV-DEMO-0001', 'ASSEMBLE');
  await qc.send('start', 'BV-DEMO-0001', 'QC-FINAL');
  await qc.send('qc_pass', 'BV-DEMO-0001', 'QC-FINAL', { grade: 'A' });
  // Tote 2: passes first time.
  await toAssembly('BV-DEMO-0002');
  await asm.send('complete', 'BV-DEMO-0002', 'ASSEMBLE');
  await qc.send('start', 'BV-DEMO-0002', 'QC-FINAL');
  await qc.send('qc_pass', 'BV-DEMO-0002', 'QC-FINAL', { grade: 'A' });
  // Tote 4: QC's start and pass arrive while assembly still holds it: parked, applied when it completes.
  await toAssembly('BV-DEMO-0004');
  const early = await push(edge.url, edge.stationToken('WC-QC'), [
    qc.event('start', 'BV-DEMO-0004', 'QC-FINAL'),
    qc.event('qc_pass', 'BV-DEMO-0004', 'QC-FINAL', { grade: 'A' }),
  ]);
  expect(early.body.results.map((r: { status: string }) => r.status)).toEqual(['parked', 'parked']);
  await asm.send('complete', 'BV-DEMO-0004', 'ASSEMBLE');
  // Tote 3: scrapped at cutting.
  expect(await cut.send('scrap', 'BV-DEMO-0003', 'CUT')).toMatchObject({
    status: 'applied',
    token: { status: 'scrapped' },
  });
});
afterAll(async () => edge.close());

describe('shift figures', () => {
  it('SV-50, SV-51, SV-52: throughput per hour, first-pass yield, rework and scrap as pushed', async () => {
    const f = await figures('&routing=BAG-TOTE');
    expect(f.routings.map((r) => r.code)).toEqual(['BAG-TOTE']);
    expect(Date.parse(f.shiftStart)).toBeLessThanOrEqual(pushedAt.getTime());
    expect(Date.parse(f.shiftEnd)).toBeGreaterThan(pushedAt.getTime());
    expect(f.hours.length).toBeGreaterThan(0);
    const hour = f.hours.indexOf(hourBucket(pushedAt));
    expect(hour).toBeGreaterThanOrEqual(0);

    const cut = node(f, 'CUT');
    expect(cut.throughput[hour]).toEqual({ completions: 3, units: 3 });
    expect(cut.done).toEqual({ completions: 3, units: 3 });
    expect(cut.throughput).toHaveLength(f.hours.length);
    expect(cut.scrap).toEqual({ count: 1, units: 1 });
    expect(cut.rework).toEqual({ count: 0, units: 0 });
    expect(cut.qc).toBe(false);
    expect(cut.firstPass).toBeNull();

    // Assembly did tote 1 twice (its rework), totes 2 and 4 once.
    expect(node(f, 'ASSEMBLE').done).toEqual({ completions: 4, units: 4 });
    const qc = node(f, 'QC-FINAL');
    expect(qc.qc).toBe(true);
    expect(qc.done.completions).toBe(3);
    // Three totes QC'd for the first time; tote 1 failed first: 2 of 3 passed first time.
    expect(qc.firstPass).toEqual({ firstTime: 3, passed: 2, yield: 2 / 3 });
    expect(qc.rework).toEqual({ count: 1, units: 1 });
    expect(qc.scrap).toEqual({ count: 0, units: 0 });

    expect(readQualityFigures(edge.core.db)).toEqual(recountQualityFigures(edge.core.db));
  });

  it('SV-53: WIP ageing counts the tokens waiting at each node by how long they have waited', async () => {
    expect(node(await figures(), 'CUT').wip).toMatchObject({ tokens: 6, buckets: [6, 0, 0, 0, 0] });
    offsetMs = 2 * 3600_000;
    try {
      const f = await figures();
      expect(f.ageLimitsMinutes).toEqual([15, 60, 240, 480]);
      // Six totes still ready at cutting since the demo was loaded, three at packing since their QC.
      expect(node(f, 'CUT').wip).toMatchObject({ tokens: 6, buckets: [0, 0, 6, 0, 0] });
      expect(node(f, 'PACK').wip).toMatchObject({ tokens: 3, buckets: [0, 0, 3, 0, 0] });
      expect(node(f, 'ASSEMBLE').wip).toMatchObject({ tokens: 0, buckets: [0, 0, 0, 0, 0] });
      expect(node(f, 'CUT').wip.oldestSince).not.toBeNull();
      offsetMs = 9 * 3600_000;
      expect(node(await figures(), 'CUT').wip.buckets).toEqual([0, 0, 0, 0, 6]);
    } finally {
      offsetMs = 0;
    }
  });

  it('SV-54: an earlier shift has its own figures; the default is the shift on now', async () => {
    const now = await figures();
    const before = await get(`/figures?shift=${encodeURIComponent(now.previousShiftStart)}`);
    expect(before.status).toBe(200);
    const prev = shiftFiguresSchema.parse(before.body);
    expect(prev.current).toBe(false);
    expect(prev.shiftEnd).toBe(now.shiftStart);
    expect(node(prev, 'CUT').done).toEqual({ completions: 0, units: 0 });
    expect(node(prev, 'QC-FINAL').firstPass).toEqual({ firstTime: 0, passed: 0, yield: null });
    const plain = await get('/figures');
    expect(plain.status).toBe(200);
    expect(shiftFiguresSchema.parse(plain.body).current).toBe(true);
    expect(plain.body.routings.map((r: { code: string }) => r.code).sort()).toEqual([
      'BAG-TOTE',
      'WALLET-LINEAR',
    ]);
  });

  it('SV-55: a bad query is a 400 naming the parameter; an unknown routing 404; stations 403', async () => {
    for (const bad of ['yesterday', '2026-13-45T99:00:00Z', '2026-12-01T06:00:00']) {
      const res = await get(`/figures?shift=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.message).toMatch(/^shift: /);
    }
    const future = await get(
      `/figures?shift=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
    );
    expect(future.status).toBe(400);
    expect(future.body.error.message).toMatch(/^shift: .*future/);
    const unknown = await get('/figures?routing=NO-SUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/^routing: /);
    expect((await get('/figures', edge.stationToken('WC-CUT'))).status).toBe(403);
  });
});
