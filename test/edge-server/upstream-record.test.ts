/**
 * The applied-event record of protocol.md as the database builds it (the `upstream_record` view
 * the forwarder reads): every record a whole tote's life produces, station and system events,
 * a supervisor's move and resolution, and a hub's relayed records, is exactly the contract's shape.
 */
import { afterEach, expect, it } from 'vitest';
import { appliedEventRecordSchema } from '../../shared/protocol';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';

let edges: TestEdge[] = [];
afterEach(async () => {
  for (const e of edges.reverse()) await e.close();
  edges = [];
});

it('IN-5, FW-1: every upstream record of a tote driven through split, join, rework, decision and a resolved conflict parses with appliedEventRecordSchema, nothing more', async () => {
  const e = await startTestEdge();
  edges.push(e);
  const at = (wc: string) => new TestStation(e.url, e.stationToken(wc));
  const [cut, edge, strap, asm, qc, pack] = [
    'WC-CUT',
    'WC-EDGE',
    'WC-STITCH',
    'WC-ASM',
    'WC-QC',
    'WC-PACK',
  ].map(at) as [TestStation, TestStation, TestStation, TestStation, TestStation, TestStation];
  const code = 'BV-DEMO-0002';
  await cut.send('start', code, 'CUT');
  await cut.send('bind_component', code, 'CUT', { componentSerial: 'LEATHER-1' });
  await cut.send('complete', code, 'CUT');
  await edge.send('start', code, 'EDGE-BODY');
  await edge.send('complete', code, 'EDGE-BODY');
  await strap.send('start', code, 'STITCH-STRAP');
  await strap.send('complete', code, 'STITCH-STRAP');
  await asm.send('start', code, 'ASSEMBLE');
  await asm.send('complete', code, 'ASSEMBLE');
  await qc.send('start', code, 'QC-FINAL');
  await qc.send('qc_fail', code, 'QC-FINAL', { reason: 'glue stain' });
  await asm.send('start', code, 'ASSEMBLE');
  await asm.send('note', code, 'ASSEMBLE', { text: 'cleaned' });
  await asm.send('complete', code, 'ASSEMBLE');
  await qc.send('start', code, 'QC-FINAL');
  await qc.send('qc_pass', code, 'QC-FINAL', { grade: 'B' });
  // Packed at the boutique table by mistake: a conflict, applied anyway as a manual move.
  const wrong = await pack.send('start', code, 'PACK');
  expect(wrong).toMatchObject({ status: 'parked', reason: { code: 'NODE_PASSED' } });
  const supervisor = await e.login('supervisor');
  const conflicts = await (
    await fetch(`${e.url}/api/v1/supervisor/conflicts`, {
      headers: { authorization: `Bearer ${supervisor}` },
    })
  ).json();
  const id = (conflicts as { conflicts: { id: number }[] }).conflicts[0]?.id;
  const resolved = await fetch(`${e.url}/api/v1/supervisor/conflicts/${id}/resolve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'apply', note: 'it went to the boutique after all' }),
  });
  expect(resolved.status).toBe(200);

  const records = (
    e.core.db.prepare('SELECT record_json FROM upstream_record ORDER BY id').pluck().all() as string[]
  ).map((json) => JSON.parse(json) as unknown);
  const types = new Set<string>();
  for (const record of records) {
    const parsed = appliedEventRecordSchema.strict().safeParse(record);
    expect(parsed.error?.issues ?? [], JSON.stringify(record)).toEqual([]);
    if (parsed.success) types.add(`${parsed.data.origin}:${parsed.data.type}`);
  }
  expect([...types].sort()).toEqual(
    [
      'station:start',
      'station:complete',
      'station:bind_component',
      'station:qc_fail',
      'station:qc_pass',
      'station:note',
      'system:spawn',
      'system:split',
      'system:join',
      'system:route',
      'system:move',
      'system:resolve',
    ].sort(),
  );
});
