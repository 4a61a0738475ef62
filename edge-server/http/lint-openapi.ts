/**
 * @module `npm run lint:openapi`: the OpenAPI document exactly as GET /api/v1/openapi.json serves it,
 * from the app built on a throwaway site (a temp directory, no listener), linted with Redocly's
 * recommended rules. Exits with Redocly's status.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../config';
import { openEdgeCore } from '../edge';
import { createApp } from './app';

/** The origin the document names as its server, as if asked on an edge box. */
const ORIGIN = 'http://edge-box.local:8080';

async function servedDocument(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-station-openapi-'));
  const core = openEdgeCore(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), {
    log: pino({ level: 'error' }),
    defaultMetrics: false,
  });
  try {
    const res = await createApp(core).request(`${ORIGIN}/api/v1/openapi.json`);
    if (res.status !== 200)
      throw new Error(`GET /api/v1/openapi.json answered ${res.status}: ${await res.text()}`);
    return JSON.stringify(await res.json(), null, 2);
  } finally {
    core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-station-openapi-lint-'));
try {
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, await servedDocument());
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
  const lint = spawnSync(process.execPath, [cli, 'lint', '--extends', 'recommended', file], {
    stdio: 'inherit',
    // No usage data and no update check from CI or an edge box.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  process.exitCode = lint.status ?? 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
