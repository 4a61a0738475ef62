/** Enrollment links: a one-time code a browser exchanges for its own station credential. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent } from '../support/edge';

let edge: TestEdge | null = null;
afterEach(async () => {
  await edge?.close();
  edge = null;
});

async function redeem(e: TestEdge, code: unknown) {
  const res = await fetch(`${e.url}/api/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const body: any = await res.json();
  return { status: res.status, body };
}

describe('enrollment links', () => {
  it('AU-4: a link enrolls one browser once: its credential pushes as the station; the second use, a bad code and a revoked station are refused', async () => {
    edge = await startTestEdge();
    const admin = await edge.login('admin');
    const created = await fetch(`${edge.url}/api/v1/admin/stations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'TABLET-9', workCenter: 'WC-CUT' }),
    });
    const station = (await created.json()) as { enrollUrl: string; enrollCode: string };
    expect(station.enrollUrl).toBe(`${edge.url}/#enroll=${station.enrollCode}`);

    const first = await redeem(edge, station.enrollCode);
    expect(first).toMatchObject({ status: 200, body: { station: 'TABLET-9', token: expect.any(String) } });
    const pushed = await push(edge.url, first.body.token, [
      stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    ]);
    expect(pushed.body.results[0].status).toBe('applied');

    const again = await redeem(edge, station.enrollCode);
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/already used/);
    expect((await redeem(edge, 'enr_nonsense')).body.error.code).toBe('NOT_FOUND');
    expect((await redeem(edge, 42)).status).toBe(400);

    // Revoking the station ends the device's credential too.
    await fetch(`${edge.url}/api/v1/admin/stations/TABLET-9`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    const after = await push(edge.url, first.body.token, [
      stationEvent({ seq: 2, type: 'pause', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    ]);
    expect(after.status).toBe(401);
  });
});
