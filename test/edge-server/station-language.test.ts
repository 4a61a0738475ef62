/**
 * The language a station's screen speaks, chosen on the edge server and carried in its snapshot:
 * the site's STATION_LANGUAGE (Thai unless set), a language of its own given at enrollment or
 * changed later by an admin (API or command line), refused when it is neither th nor en.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../edge-server/config';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');

let edges: TestEdge[] = [];
afterEach(async () => {
  for (const e of edges) await e.close();
  edges = [];
});

async function edge(options: Parameters<typeof startTestEdge>[0] = {}): Promise<TestEdge> {
  const e = await startTestEdge(options);
  edges.push(e);
  return e;
}

async function send(e: TestEdge, token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${e.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text === '' ? null : JSON.parse(text) };
}

/** The station's snapshot (a delta with `since`); fails the test unless it is a 200. */
async function snapshot(e: TestEdge, token: string, since?: string): Promise<any> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  const res = await send(e, token, 'GET', `/api/v1/station/snapshot${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function enroll(e: TestEdge, admin: string, body: Record<string, unknown>): Promise<any> {
  const res = await send(e, admin, 'POST', '/api/v1/admin/stations', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

function stationCount(e: TestEdge): number {
  return e.core.db.prepare('SELECT count(*) FROM station').pluck().get() as number;
}

/** `npm run edge -- <args>` on the edge's DATA_DIR (another process, as an integrator runs it). */
async function cli(e: TestEdge, args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'edge-server/cli.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: e.dataDir, LOG_LEVEL: 'silent', STATION_LANGUAGE: 'en' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the site’s language (STATION_LANGUAGE)', () => {
  it('AD-8, ST-14: is Thai unless set; en or th are taken; anything else is refused naming the setting', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).stationLanguage).toBe('th');
    expect(loadConfig({ DATA_DIR: '/tmp/unused', STATION_LANGUAGE: 'en' }).stationLanguage).toBe('en');
    expect(loadConfig({ DATA_DIR: '/tmp/unused', STATION_LANGUAGE: 'th' }).stationLanguage).toBe('th');
    for (const bad of ['fr', 'EN', 'thai', '']) {
      const load = () => loadConfig({ DATA_DIR: '/tmp/unused', STATION_LANGUAGE: bad });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`STATION_LANGUAGE: must be th or en, not "${bad}"`);
    }
  });

  it('AD-3, ST-14, SN-1: the demo stations, enrolled without a language, speak the site’s: Thai on a Thai site', async () => {
    const e = await edge({ language: 'th' });
    const full = await snapshot(e, e.stationToken('WC-CUT'));
    expect(full.station).toMatchObject({ name: 'WC-CUT-1', language: 'th' });
  });
});

describe('a station’s own language', () => {
  it('AD-8, ST-14, SN-1: enrolled with a language it speaks that one; without, the site’s', async () => {
    const e = await edge(); // the tests' site speaks English
    const admin = await e.login('admin');

    const thai = await enroll(e, admin, { name: 'TH-CUT', workCenter: 'WC-CUT', language: 'th' });
    const english = await enroll(e, admin, { name: 'EN-CUT', workCenter: 'WC-CUT', language: 'en' });
    const plain = await enroll(e, admin, { name: 'SITE-CUT', workCenter: 'WC-CUT' });

    expect(thai).toMatchObject({ name: 'TH-CUT', language: 'th', followsSiteLanguage: false });
    expect(english).toMatchObject({ name: 'EN-CUT', language: 'en', followsSiteLanguage: false });
    expect(plain).toMatchObject({ name: 'SITE-CUT', language: 'en', followsSiteLanguage: true });
    expect((await snapshot(e, thai.token)).station).toMatchObject({ name: 'TH-CUT', language: 'th' });
    expect((await snapshot(e, english.token)).station).toMatchObject({ name: 'EN-CUT', language: 'en' });
    expect((await snapshot(e, plain.token)).station).toMatchObject({ name: 'SITE-CUT', language: 'en' });
    expect((await snapshot(e, e.stationToken('WC-CUT'))).station.language).toBe('en');
  });

  it('AD-8, SN-2, ST-14: a change reaches the station’s next snapshot, as a delta and in full; null returns it to the site’s', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const token = e.stationToken('WC-CUT');
    const first = await snapshot(e, token);
    expect(first.station.language).toBe('en');

    const changed = await send(e, admin, 'PATCH', '/api/v1/admin/stations/WC-CUT-1', { language: 'th' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toEqual({ name: 'WC-CUT-1', language: 'th', followsSiteLanguage: false });

    // The delta since the last cursor says so (the change moved the cursor), and so does every later one.
    const delta = await snapshot(e, token, first.cursor);
    expect(delta.full).toBe(false);
    expect(delta.cursor).not.toBe(first.cursor);
    expect(delta.station.language).toBe('th');
    const unchanged = await snapshot(e, token, delta.cursor);
    expect(unchanged).toMatchObject({ cursor: delta.cursor, tokens: [], removed: [] });
    expect(unchanged.station.language).toBe('th');
    expect((await snapshot(e, token)).station.language).toBe('th');
    // Other stations keep theirs.
    expect((await snapshot(e, e.stationToken('WC-SEW'))).station.language).toBe('en');

    const back = await send(e, admin, 'PATCH', '/api/v1/admin/stations/WC-CUT-1', { language: null });
    expect(back.body).toEqual({ name: 'WC-CUT-1', language: 'en', followsSiteLanguage: true });
    expect((await snapshot(e, token, unchanged.cursor)).station.language).toBe('en');
  });

  it('AD-6, AD-8, HT-1: a language other than th or en is 400 naming language, on enrolling and on changing, and stores nothing', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const before = stationCount(e);
    for (const language of ['fr', 'TH', '', 1, null, ['th']]) {
      const res = await send(e, admin, 'POST', '/api/v1/admin/stations', {
        name: 'BAD-LANG',
        workCenter: 'WC-CUT',
        language,
      });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message).toMatch(/^Invalid station: language: /);
      expect(res.body.error.details).toEqual([{ path: 'language', message: expect.any(String) }]);
    }
    expect(stationCount(e)).toBe(before);

    for (const body of [{ language: 'fr' }, { language: 'en-US' }, { language: 0 }, {}, { lang: 'th' }]) {
      const res = await send(e, admin, 'PATCH', '/api/v1/admin/stations/WC-CUT-1', body);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.message).toMatch(/^Invalid station language: language: /);
    }
    const notJson = await send(e, admin, 'PATCH', '/api/v1/admin/stations/WC-CUT-1', '{"language": ');
    expect(notJson.status, notJson.text).toBe(400);
    expect((await snapshot(e, e.stationToken('WC-CUT'))).station.language).toBe('en');
    expect(e.core.db.prepare("SELECT language FROM station WHERE name = 'WC-CUT-1'").pluck().get()).toBe(
      null,
    );
  });

  it('AD-5, ST-14: an unknown or revoked station’s language cannot be changed (404); enrolled again, it takes the language given then', async () => {
    const e = await edge();
    const admin = await e.login('admin');
    const unknown = await send(e, admin, 'PATCH', '/api/v1/admin/stations/NO-SUCH', { language: 'th' });
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.body.error.message).toBe('No enrolled (unrevoked) station named NO-SUCH');

    await enroll(e, admin, { name: 'AGAIN', workCenter: 'WC-CUT', language: 'th' });
    expect((await send(e, admin, 'DELETE', '/api/v1/admin/stations/AGAIN')).status).toBe(204);
    const revoked = await send(e, admin, 'PATCH', '/api/v1/admin/stations/AGAIN', { language: 'en' });
    expect(revoked.status, revoked.text).toBe(404);

    const again = await enroll(e, admin, { name: 'AGAIN', workCenter: 'WC-CUT' });
    expect(again).toMatchObject({ language: 'en', followsSiteLanguage: true });
    expect((await snapshot(e, again.token)).station.language).toBe('en');
  });

  it('AU-2: only an admin changes a station’s language: a supervisor or a station is refused (403)', async () => {
    const e = await edge();
    const supervisor = await e.login('supervisor');
    for (const token of [supervisor, e.stationToken('WC-CUT')]) {
      const res = await send(e, token, 'PATCH', '/api/v1/admin/stations/WC-CUT-1', { language: 'th' });
      expect(res.status, res.text).toBe(403);
    }
    expect((await snapshot(e, e.stationToken('WC-CUT'))).station.language).toBe('en');
  });
});

describe('the command line', () => {
  it('AD-8, ST-14, DK-1: enroll-station --language and station-language set what the running server’s next snapshot says, each an audit line by cli', async () => {
    const e = await edge();

    const enrolled = await cli(e, [
      'enroll-station',
      '--name',
      'CLI-CUT',
      '--work-center',
      'WC-CUT',
      '--language',
      'th',
    ]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const answer = JSON.parse(enrolled.stdout.slice(0, enrolled.stdout.indexOf('\n\nenrollment link')));
    expect(answer).toMatchObject({ name: 'CLI-CUT', language: 'th', followsSiteLanguage: false });
    expect((await snapshot(e, answer.token)).station.language).toBe('th');

    const first = await snapshot(e, e.stationToken('WC-CUT'));
    const changed = await cli(e, ['station-language', '--name', 'WC-CUT-1', '--language', 'th']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual({
      name: 'WC-CUT-1',
      language: 'th',
      followsSiteLanguage: false,
    });
    expect((await snapshot(e, e.stationToken('WC-CUT'), first.cursor)).station.language).toBe('th');

    const site = await cli(e, ['station-language', '--name', 'WC-CUT-1', '--language', 'site']);
    expect(JSON.parse(site.stdout)).toEqual({ name: 'WC-CUT-1', language: 'en', followsSiteLanguage: true });
    expect((await snapshot(e, e.stationToken('WC-CUT'))).station.language).toBe('en');

    const bad = await cli(e, ['station-language', '--name', 'WC-CUT-1', '--language', 'fr']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^invalid: Invalid station language: language: /);
    const missing = await cli(e, ['station-language', '--name', 'WC-CUT-1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('station-language needs --language th, en or site');
    // Each change is a line of the audit trail by 'cli'; the refused ones left none (DK-1).
    expect(e.core.db.prepare('SELECT username, action, subject FROM admin_change ORDER BY id').all()).toEqual(
      [
        { username: 'cli', action: 'station.enroll', subject: 'CLI-CUT' },
        { username: 'cli', action: 'station.language', subject: 'WC-CUT-1' },
        { username: 'cli', action: 'station.language', subject: 'WC-CUT-1' },
      ],
    );
    const badEnroll = await cli(e, [
      'enroll-station',
      '--name',
      'CLI-2',
      '--work-center',
      'WC-CUT',
      '--language',
      'de',
    ]);
    expect(badEnroll.code).toBe(1);
    expect(badEnroll.stderr).toMatch(/^invalid: Invalid station: language: /);
    expect(e.core.db.prepare("SELECT count(*) FROM station WHERE name = 'CLI-2'").pluck().get()).toBe(0);
  });
});
