/**
 * The planning desk's stations, operators and users over real HTTP on a real SQLite file (SPEC
 * DK-30 … DK-39): the lists an admin reads; a new enrollment link that works once while the old one
 * stops; an operator's preferred language on add and on change, and in the station's snapshot; a
 * deactivated operator out of the snapshot and refused on a push; every change one audit line; bad
 * input a 400 naming the field, with no line written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminChangePageSchema } from '../../shared/admin-changes-api';
import {
  deskOperatorListSchema,
  deskOperatorSchema,
  deskStationListSchema,
  deskUserListSchema,
  stationLinkSchema,
} from '../../shared/people-desk-api';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent } from '../support/edge';
import { adminSender } from '../support/admin-api';

let edge: TestEdge;
let admin: string;

beforeEach(async () => {
  edge = await startTestEdge();
  admin = await edge.login('admin');
});
afterEach(async () => {
  await edge.close();
});

const call = adminSender(
  () => edge.url,
  () => admin,
);

async function redeem(code: string) {
  const res = await fetch(`${edge.url}/api/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: res.status, body: (await res.json()) as { token?: string; error?: { message: string } } };
}

async function stations() {
  const res = await call('GET', '/api/v1/admin/stations');
  expect(res.status, res.text).toBe(200);
  return deskStationListSchema.parse(res.body).stations;
}

async function operators() {
  const res = await call('GET', '/api/v1/admin/operators');
  expect(res.status, res.text).toBe(200);
  return deskOperatorListSchema.parse(res.body).operators;
}

async function changes() {
  const res = await call('GET', '/api/v1/admin/changes');
  expect(res.status).toBe(200);
  return adminChangePageSchema.parse(res.body).changes;
}

/** The operators a station's full snapshot lists. */
async function snapshotOperators(token = edge.stationToken('WC-CUT')) {
  const res = await call('GET', '/api/v1/station/snapshot', undefined, token);
  expect(res.status, res.text).toBe(200);
  return (res.body as { operators: { badge: string; language?: string; pinHash: string | null }[] })
    .operators;
}

const codeOf = (url: string) => new URL(url).hash.replace('#enroll=', '');

describe('the desk’s stations (DK-30, DK-31)', () => {
  it('DK-30: an admin lists every station with its work center, nodes, language, devices and waiting link; a supervisor may not', async () => {
    const list = await stations();
    const cut = list.find((s) => s.name === 'WC-CUT-1');
    expect(cut).toMatchObject({
      workCenter: 'WC-CUT',
      nodeCodes: ['CUT'],
      language: 'en',
      followsSiteLanguage: true,
      revokedAt: null,
      lastSeenAt: null,
      devices: 0,
    });
    // The demo made each station a link that nobody opened yet.
    expect(Date.parse(cut?.linkExpiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(list.map((s) => s.name)).toEqual([...list.map((s) => s.name)].sort());
    expect(JSON.stringify(list)).not.toMatch(/token|enr_/);

    expect((await call('DELETE', '/api/v1/admin/stations/WC-CUT-1')).status).toBe(204);
    const revoked = (await stations()).find((s) => s.name === 'WC-CUT-1');
    expect(Date.parse(revoked?.revokedAt ?? '')).not.toBeNaN();
    expect(revoked?.linkExpiresAt).toBeNull();

    const supervisor = await edge.login('supervisor');
    expect((await call('GET', '/api/v1/admin/stations', undefined, supervisor)).status).toBe(403);
  });

  it('DK-31: a new link works once, the old unopened one stops, devices count; the change is an audit line', async () => {
    const demoLink = edge.demo.stations.find((s) => s.name === 'WC-CUT-1')?.enrollUrl ?? '';
    const made = await call('POST', '/api/v1/admin/stations/WC-CUT-1/link');
    expect(made.status, made.text).toBe(201);
    const link = stationLinkSchema.parse(made.body);
    expect(link.name).toBe('WC-CUT-1');
    expect(link.enrollUrl).toBe(`${edge.url}/#enroll=${link.enrollCode}`);
    expect(link.enrollQrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);

    const old = await redeem(codeOf(demoLink));
    expect(old.status).toBe(404);
    const first = await redeem(link.enrollCode);
    expect(first.status).toBe(200);
    const pushed = await push(edge.url, first.body.token ?? '', [
      stationEvent({ seq: 1, type: 'start', code: 'BV-DEMO-0001', nodeCode: 'CUT' }),
    ]);
    expect(pushed.body.results[0].status).toBe('applied');
    expect((await redeem(link.enrollCode)).body.error?.message).toMatch(/already used/);

    const listed = (await stations()).find((s) => s.name === 'WC-CUT-1');
    expect(listed).toMatchObject({ devices: 1, linkExpiresAt: null });
    expect(Date.parse(listed?.lastSeenAt ?? '')).not.toBeNaN();
    expect((await changes())[0]).toMatchObject({
      action: 'station.link',
      subject: 'WC-CUT-1',
      by: edge.demo.admin.username,
      detail: { expiresAt: link.enrollExpiresAt },
    });
  });

  it('DK-31: no link for an unknown or a revoked station (404), and no audit line', async () => {
    const before = (await changes()).length;
    expect((await call('POST', '/api/v1/admin/stations/NOPE/link')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/admin/stations/WC-CUT-1')).status).toBe(204);
    const revoked = await call('POST', '/api/v1/admin/stations/WC-CUT-1/link');
    expect(revoked.status).toBe(404);
    expect(revoked.text).toContain('WC-CUT-1');
    expect((await changes()).length).toBe(before + 1); // the revocation only
  });
});

describe('the desk’s operators (DK-33 … DK-36)', () => {
  it('DK-33: an operator added with Thai is listed with it and a station’s snapshot carries it; cleared, it goes', async () => {
    const added = await call('POST', '/api/v1/admin/operators', {
      badge: 'OP-TH',
      name: 'สมชาย ใจดี',
      pin: '2468',
      language: 'th',
    });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toEqual({ badge: 'OP-TH', name: 'สมชาย ใจดี', hasPin: true, language: 'th' });
    expect((await operators()).find((o) => o.badge === 'OP-TH')).toMatchObject({
      name: 'สมชาย ใจดี',
      hasPin: true,
      language: 'th',
      active: true,
    });
    const inSnapshot = (await snapshotOperators()).find((o) => o.badge === 'OP-TH');
    expect(inSnapshot?.language).toBe('th');
    expect((await snapshotOperators()).find((o) => o.badge === 'OP-0001')).not.toHaveProperty('language');

    const changed = await call('PATCH', '/api/v1/admin/operators/OP-TH', { language: null });
    expect(changed.status, changed.text).toBe(200);
    expect(deskOperatorSchema.parse(changed.body).language).toBeNull();
    expect((await snapshotOperators()).find((o) => o.badge === 'OP-TH')).not.toHaveProperty('language');
  });

  it('DK-34: a PIN set and cleared, a name changed; the audit line says what changed, never the PIN', async () => {
    const set = await call('PATCH', '/api/v1/admin/operators/OP-0001', { pin: '97531', name: 'Malee' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ badge: 'OP-0001', name: 'Malee', hasPin: true });
    expect((await snapshotOperators()).find((o) => o.badge === 'OP-0001')?.pinHash).not.toBeNull();
    expect((await changes())[0]).toMatchObject({
      action: 'operator.change',
      subject: 'OP-0001',
      detail: { pin: 'set', name: 'Malee' },
    });
    expect(JSON.stringify(await changes())).not.toContain('97531');

    const cleared = await call('PATCH', '/api/v1/admin/operators/OP-0001', { pin: null });
    expect(cleared.body).toMatchObject({ hasPin: false, name: 'Malee' });
    expect((await snapshotOperators()).find((o) => o.badge === 'OP-0001')?.pinHash).toBeNull();
    expect((await changes())[0]?.detail).toEqual({ pin: 'cleared' });
  });

  it('DK-35: a deactivated operator leaves the snapshot and is refused on a push; active again, back', async () => {
    const off = await call('PATCH', '/api/v1/admin/operators/OP-0002', { active: false });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ active: false });
    expect((await snapshotOperators()).map((o) => o.badge)).not.toContain('OP-0002');
    const listed = await operators();
    expect(listed.find((o) => o.badge === 'OP-0002')?.active).toBe(false);
    expect(listed.at(-1)?.badge).toBe('OP-0002'); // inactive ones last

    const refused = await push(edge.url, edge.stationToken('WC-CUT'), [
      stationEvent({
        seq: 1,
        type: 'start',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        operatorBadge: 'OP-0002',
      }),
    ]);
    expect(refused.body.results[0].status).toBe('rejected');

    expect((await call('PATCH', '/api/v1/admin/operators/OP-0002', { active: true })).status).toBe(200);
    expect((await snapshotOperators()).map((o) => o.badge)).toContain('OP-0002');
    expect((await changes()).slice(0, 2).map((c) => c.detail)).toEqual([{ active: true }, { active: false }]);
  });

  it('DK-38: bad input is a 400 naming the field, an unknown badge a 404, and neither leaves an audit line', async () => {
    const before = (await changes()).length;
    const cases: [unknown, string][] = [
      [{ pin: '12' }, 'pin'],
      [{ language: 'fr' }, 'language'],
      [{ active: 'no' }, 'active'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await call('PATCH', '/api/v1/admin/operators/OP-0001', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (res.body as { error: { message: string; details: { path: string }[] } }).error;
      expect(error.message).toContain(field);
      expect(error.details.map((d) => d.path)).toContain(field);
    }
    const empty = await call('PATCH', '/api/v1/admin/operators/OP-0001', {});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('give name, pin, language or active');
    expect((await call('PATCH', '/api/v1/admin/operators/NOBODY', { active: false })).status).toBe(404);
    const badAdd = await call('POST', '/api/v1/admin/operators', { badge: 'OP-X', language: 'de' });
    expect(badAdd.status).toBe(400);
    expect(badAdd.text).toContain('language');
    expect((await changes()).length).toBe(before);
  });
});

describe('the desk’s users (DK-37) and its audit trail (DK-39)', () => {
  it('DK-37: users are listed by name with their role, never a password', async () => {
    const added = await call('POST', '/api/v1/admin/users', {
      username: 'lead.somsri',
      role: 'supervisor',
      password: 'long-enough-1',
    });
    expect(added.status, added.text).toBe(201);
    const res = await call('GET', '/api/v1/admin/users');
    expect(res.status).toBe(200);
    const users = deskUserListSchema.parse(res.body).users;
    expect(users.map((u) => [u.username, u.role])).toEqual([
      ['admin', 'admin'],
      ['lead.somsri', 'supervisor'],
      ['supervisor', 'supervisor'],
    ]);
    expect(res.text).not.toMatch(/password|hash|long-enough/);
  });

  it('DK-39: enrolling, a new link, revoking, adding and changing an operator, adding a user: one line each, by the admin', async () => {
    const steps: [string, string, unknown?][] = [
      ['POST', '/api/v1/admin/stations', { name: 'DESK-1', workCenter: 'WC-CUT', language: 'th' }],
      ['POST', '/api/v1/admin/stations/DESK-1/link'],
      ['POST', '/api/v1/admin/operators', { badge: 'OP-NEW', language: 'en' }],
      ['PATCH', '/api/v1/admin/operators/OP-NEW', { language: 'th', active: false }],
      ['POST', '/api/v1/admin/users', { username: 'ops', role: 'admin', password: 'another-one-2' }],
      ['DELETE', '/api/v1/admin/stations/DESK-1'],
    ];
    for (const [method, path, body] of steps) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    }
    const lines = (await changes()).slice(0, steps.length).reverse();
    expect(lines.map((c) => [c.action, c.subject])).toEqual([
      ['station.enroll', 'DESK-1'],
      ['station.link', 'DESK-1'],
      ['operator.add', 'OP-NEW'],
      ['operator.change', 'OP-NEW'],
      ['user.add', 'ops'],
      ['station.revoke', 'DESK-1'],
    ]);
    expect(new Set(lines.map((c) => c.by))).toEqual(new Set([edge.demo.admin.username]));
    expect(lines[3]?.detail).toEqual({ language: 'th', active: false });
  });
});
