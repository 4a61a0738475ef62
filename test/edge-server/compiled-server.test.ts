/**
 * The compiled server (SPEC PF-60 … PF-63): `npm start` and `npm run edge` run the JavaScript
 * that scripts/build-server.ts bundles from the TypeScript, built first when it is missing or
 * older than its sources; the bundle finds the files the sources read (migrations, the demo
 * fixtures, the client build, its routing-check worker) and its stack traces name the .ts lines.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../../bench/startup';
import { STARTUP_COMMANDS, serverEnv, startServerProcess } from '../../bench/startup';
import { ROOT, SERVER_DIST, staleReason } from '../../scripts/build-server';
import { loadRoutingInput } from '../support/shared-fixtures';
import { tempDir as newTempDir } from '../support/edge';

const run = promisify(execFile);
const servers: StartedServer[] = [];
const dirs: string[] = [];
const tempDir = (prefix?: string): string => {
  const dir = newTempDir(prefix);
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const npmStart = STARTUP_COMMANDS.find((c) => c.name === 'npm start')?.argv ?? [];
/** `npm run edge -- ARGS` as a reader types it. */
const npmEdge = (args: string[]): string[] => [
  ...npmStart.slice(0, -2),
  'run',
  'edge',
  '--silent',
  '--',
  ...args,
];

/** A stub page: a test must not wait for a client build when dist/client is missing. */
function stubClient(): string {
  const dir = tempDir('scan-compiled-client-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>compiled server stub</title>');
  return dir;
}

describe('the compiled server', () => {
  it('PF-60: npm start runs the compiled server, which loads the demo, serves the client and answers health', async () => {
    const dataDir = tempDir();
    const server = await startServerProcess(npmStart, serverEnv(dataDir, { CLIENT_DIST_DIR: stubClient() }));
    servers.push(server);
    // What npm started: Node on the launcher and the bundle, no TypeScript loader.
    const pid = server.logs
      .map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; pid?: number }) : {}))
      .find((l) => l.msg === 'starting')?.pid;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(cmdline).toContain('--enable-source-maps scripts/build-server.ts --if-stale --run main');
    expect(cmdline).not.toContain('tsx');
    expect(fs.existsSync(path.join(SERVER_DIST, 'main.js.map'))).toBe(true);

    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(200);
    const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as {
      admin: { username: string; password: string };
    };
    expect(Object.keys(demo)).toContain('stations');
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('compiled server stub');

    // The routing check runs on its worker thread, which the bundle starts from its own file.
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(demo.admin),
    });
    const { token } = (await login.json()) as { token: string };
    const check = (body: unknown) =>
      fetch(`${server.url}/api/v1/admin/routings/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const good = await check(loadRoutingInput('bag-dag'));
    expect(good.status).toBe(200);
    expect(((await good.json()) as { publish: string }).publish).toBe('same');
    const cyclic = await check(loadRoutingInput('bad-cycle'));
    expect(cyclic.status).toBe(400);
    await server.stop();
  });

  it('PF-61: a build is made when missing, skipped when current, and made again once a source is newer', async () => {
    const out = tempDir('scan-compiled-out-');
    const env = serverEnv(tempDir());
    const build = () =>
      run(process.execPath, ['scripts/build-server.ts', '--if-stale', '--out', out], { cwd: ROOT, env });
    expect((await build()).stderr).toContain('building the edge server (no server build yet)');
    expect(fs.readdirSync(out).sort()).toEqual(
      [
        'build.json',
        'cli.js',
        'cli.js.map',
        'main.js',
        'main.js.map',
        'routing-check.worker.js',
        'routing-check.worker.js.map',
      ].sort(),
    );
    expect(await build()).toMatchObject({ stdout: '', stderr: '' });
    // The sources are newer than a build stamped an hour ago.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(out, 'build.json'), anHourAgo, anHourAgo);
    expect((await build()).stderr).toMatch(/building the edge server \(.+ changed\)/);
    expect(staleReason(out)).toBeNull();
  });

  it('PF-62: npm run edge runs the compiled command line, which finds the checkout it belongs to', async () => {
    const dataDir = tempDir();
    const unit = path.join(tempDir(), 'edge.service');
    const [command = '', ...args] = npmEdge(['service-unit', '--out', unit]);
    const { stdout } = await run(command, args, {
      cwd: ROOT,
      env: serverEnv(dataDir, { LOG_LEVEL: 'silent' }),
    });
    expect(stdout).toContain(`wrote ${unit}`);
    expect(fs.readFileSync(unit, 'utf8')).toContain(`WorkingDirectory=${ROOT}\n`);
  });

  it('PF-63: a stack frame in the bundle names its TypeScript file and line', async () => {
    // The worker's module does nothing outside a worker thread, so it can be loaded here to ask.
    const probe = `
      import { findSourceMap } from 'node:module';
      const file = ${JSON.stringify(path.join(SERVER_DIST, 'routing-check.worker.js'))};
      await import(file);
      const text = (await import('node:fs')).readFileSync(file, 'utf8').split('\\n');
      const line = text.findIndex((l) => l.includes('= checkRouting(JSON.parse('));
      const entry = findSourceMap(file).findEntry(line, text[line].indexOf('checkRouting'));
      console.log(JSON.stringify(entry));`;
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', probe],
      {
        cwd: ROOT,
        env: serverEnv(tempDir()),
      },
    );
    const entry = JSON.parse(stdout) as { originalSource: string; originalLine: number };
    expect(entry.originalSource).toMatch(/edge-server\/admin\/routing-check\.worker\.ts$/);
    const source = fs
      .readFileSync(path.join(ROOT, 'edge-server/admin/routing-check.worker.ts'), 'utf8')
      .split('\n');
    expect(source[entry.originalLine]).toContain('check = checkRouting(JSON.parse(text)');
  });
});
