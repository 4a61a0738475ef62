/**
 * Running it for a year, as `npm start` and systemd run it (a child process): scheduled and
 * command-line backups, a restore that is checked and then served, a graceful stop on SIGTERM
 * with a push in progress and the forwarder running, the systemd unit, readable logs.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { push, startTestEdge, stationEvent, tempDir } from '../support/edge';
import type { EdgeProcess } from '../support/edge-process';
import { startEdge, stopAllEdges, stopEdge } from '../support/edge-process';
import { waitFor } from '../support/wait';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');

const hubs: TestEdge[] = [];
afterEach(async () => {
  await stopAllEdges();
  for (const hub of hubs.splice(0)) await hub.close();
});
afterAll(stopAllEdges);

/** `npm run edge -- <args>` on DATA_DIR; resolves with its exit code and output. */
async function cli(dataDir: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'edge-server/cli.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function demoToken(dataDir: string, workCenter: string): string {
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
    stations: { workCenter: string; token: string }[];
  };
  const station = demo.stations.find((s) => s.workCenter === workCenter);
  if (!station) throw new Error(`no demo station at ${workCenter}`);
  return station.token;
}

const notes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    stationEvent({
      seq: from + i,
      type: 'note',
      code: 'BV-DEMO-0001',
      nodeCode: 'CUT',
      data: { text: `n${from + i}` },
    }),
  );

describe('backups and restores', () => {
  it('OP-4: a backup is taken at start and on demand; a restore checks the file, refuses while the server runs, and the restored site serves', async () => {
    const dataDir = tempDir();
    const backups = path.join(tempDir('scan-backups-'), 'nightly');
    const env = { BACKUP_DIR: backups, BACKUP_KEEP: '2' };
    let edge: EdgeProcess = await startEdge(dataDir, env);
    // The schedule's first backup: none existed, so it is due at once.
    await waitFor(
      () => fs.existsSync(backups) && fs.readdirSync(backups).some((f) => /^edge-.*Z\.sqlite$/.test(f)),
      {
        what: 'the first scheduled backup',
      },
    );
    const token = demoToken(dataDir, 'WC-CUT');
    const before = notes(1, 5);
    expect((await push(edge.url, token, before)).status).toBe(200);
    const taken = await cli(dataDir, ['backup'], env);
    expect(taken.code).toBe(0);
    const { file } = JSON.parse(taken.stdout) as { file: string };
    const after = notes(6, 5);
    expect((await push(edge.url, token, after)).status).toBe(200);
    expect(fs.readdirSync(backups).filter((f) => f.endsWith('.sqlite'))).toHaveLength(2);

    const refused = await cli(dataDir, ['restore', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/an edge server \(pid \d+\) is running on .*: stop it, then restore/);

    await stopEdge(edge);
    const damaged = path.join(tempDir(), 'damaged.sqlite');
    fs.writeFileSync(damaged, 'not a database at all, just bytes');
    const bad = await cli(dataDir, ['restore', damaged]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/file is not a database|damaged/);

    const restored = await cli(dataDir, ['restore', file]);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({
      restoredFrom: file,
      database: path.join(dataDir, 'edge.sqlite'),
      previous: expect.stringContaining('edge.sqlite.before-restore-'),
    });

    edge = await startEdge(dataDir, env);
    const health = await (await fetch(`${edge.url}/api/v1/health`)).json();
    expect(health).toMatchObject({
      status: expect.stringMatching(/ok|warning/),
      storage: { writable: true },
    });
    // What the backup held is there (a resend is a duplicate); what came after is not (it applies).
    const again = await push(edge.url, token, [...before, ...after]);
    expect(again.body.results.map((r: any) => r.status)).toEqual([
      ...before.map(() => 'duplicate'),
      ...after.map(() => 'applied'),
    ]);
    await stopEdge(edge);
  });
});

describe('stopping', () => {
  it('OP-5: SIGTERM: the push in progress is committed and answered, new connections are refused, the forwarder stops cleanly, exit 0', async () => {
    const hub = await startTestEdge({ env: { SITE_CODE: 'HUB' } });
    hubs.push(hub);
    const admin = await hub.login('admin');
    const site = await fetch(`${hub.url}/api/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'BKK-1' }),
    });
    const { credential } = (await site.json()) as { credential: string };
    const dataDir = tempDir();
    const env = {
      SITE_CODE: 'BKK-1',
      UPSTREAM_URL: hub.url,
      UPSTREAM_CREDENTIAL: credential,
      FORWARD_IDLE_MS: '50',
    };
    let edge = await startEdge(dataDir, env);
    const token = demoToken(dataDir, 'WC-CUT');
    expect((await push(edge.url, token, notes(1, 50))).status).toBe(200);

    // A push whose body is half sent when the stop begins.
    const events = notes(51, 20);
    const body = JSON.stringify({ stationClock: new Date().toISOString(), events });
    const port = Number(new URL(edge.url).port);
    const socket = net.connect(port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    socket.write(
      `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n` +
        'Expect: 100-continue\r\n\r\n',
    );
    // The server has the request in hand once it says "100 Continue".
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(body.slice(0, 100));
    edge.child.kill('SIGTERM');
    await waitFor(() => edge.logs.some((l) => l.includes('stopping: finishing requests in progress')), {
      what: 'the server to begin stopping',
    });
    const refused = await new Promise<string>((resolve) => {
      const probe = net.connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve('connected');
      });
      probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    socket.write(body.slice(100));
    const response = await answer;
    expect(response).toMatch(/HTTP\/1\.1 200 OK/);
    const results = JSON.parse(response.slice(response.indexOf('{"serverTime"'))).results as {
      status: string;
    }[];
    expect(results.map((r) => r.status)).toEqual(events.map(() => 'applied'));
    await edge.exited;
    expect(edge.child.exitCode).toBe(0);
    expect(edge.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    expect(edge.errors).toEqual([]);

    // Started again: everything acknowledged reaches the hub, once.
    edge = await startEdge(dataDir, env);
    await waitFor(
      () =>
        (hub.core.db
          .prepare('SELECT count(*) FROM hub_record WHERE record_json LIKE \'%"type":"note"%\'')
          .pluck()
          .get() as number) === 70,
      { what: 'all 70 notes at the hub' },
    );
    expect(
      hub.core.db.prepare('SELECT count(*) - count(DISTINCT record_id) FROM hub_record').pluck().get(),
    ).toBe(0);
    await stopEdge(edge);
  });

  it('OP-5: a second server on the same DATA_DIR refuses to start, naming the first', async () => {
    const dataDir = tempDir();
    const first = await startEdge(dataDir);
    await expect(startEdge(dataDir)).rejects.toThrow(/another edge server \(pid \d+\) is running on/);
    await stopEdge(first);
  });
});

describe('as a service', () => {
  it('OP-8, OP-5: service-unit writes a systemd unit whose ExecStart runs the server with Node 24; SIGTERM stops it with exit 0', async () => {
    const dataDir = tempDir();
    const out = path.join(tempDir(), 'scan-station-edge.service');
    const written = await cli(dataDir, ['service-unit', '--out', out, '--user', 'scan'], {
      PORT: '0',
      HTTPS: 'off',
      HOST: '127.0.0.1',
      SITE_CODE: 'BKK-9',
      STATION_LANGUAGE: 'en',
      LOG_LEVEL: 'info',
      UPSTREAM_CREDENTIAL: 'site-secret-7',
    });
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(
      'sudo systemctl daemon-reload && sudo systemctl enable --now scan-station-edge',
    );
    const unit = fs.readFileSync(out, 'utf8');
    // The credential is in DATA_DIR/service.env, readable by its owner only, not in the unit.
    const secrets = path.join(dataDir, 'service.env');
    expect(unit).not.toContain('site-secret-7');
    expect(unit).toContain(`EnvironmentFile=${secrets}`);
    expect(fs.readFileSync(secrets, 'utf8')).toBe('UPSTREAM_CREDENTIAL="site-secret-7"\n');
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    for (const line of ['Restart=always', 'KillSignal=SIGTERM', 'User=scan', `WorkingDirectory=${ROOT}`]) {
      expect(unit).toContain(line);
    }
    const env = Object.fromEntries(
      [...unit.matchAll(/^Environment="([A-Z_]+)=(.*)"$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(env).toMatchObject({
      DATA_DIR: dataDir,
      SITE_CODE: 'BKK-9',
      STATION_LANGUAGE: 'en',
      PORT: '0',
      LOG_FORMAT: 'json',
    });
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(' ') ?? [];
    expect(execStart[0]).toBe(process.execPath);
    const child = spawn(execStart[0] as string, execStart.slice(1), {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      const listening = await waitFor(
        () =>
          lines
            .map((l) => JSON.parse(l) as { msg?: string; url?: string })
            .find((l) => l.msg === 'edge server listening'),
        { what: 'the unit’s server to listen' },
      );
      const starting = lines
        .map((l) => JSON.parse(l) as { msg?: string; node?: string })
        .find((l) => l.msg === 'starting');
      expect(starting?.node).toMatch(/^v24\./);
      expect((await fetch(`${listening.url}/api/v1/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('OP-9: LOG_FORMAT=pretty gives readable lines (the default on a terminal; the other process tests read the JSON lines a pipe gets)', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'edge-server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        HTTPS: 'off',
        HOST: '127.0.0.1',
        LOG_FORMAT: 'pretty',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      const listening = await waitFor(() => lines.find((l) => l.includes('edge server listening')), {
        what: 'the listening line',
      });
      expect(listening).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: edge server listening$/);
      expect(() => JSON.parse(listening)).toThrow();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
