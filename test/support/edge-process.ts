/**
 * @module The edge server from its TypeScript sources (`node --import tsx edge-server/main.ts`), as a
 * child process; `npm start` runs the same code compiled (test/edge-server/compiled-server.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A start takes 1-4 s (tsx compiles on the way), more on a busy machine; past this it is broken. */
const START_LIMIT_MS = 60_000;

/** Every child started here, so that none outlives the tests, whatever happens to them. */
const children = new Set<ChildProcess>();

function killAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.once('exit', killAllChildren);

/** Kills every edge process still running and waits for them to exit (for afterAll). */
export async function stopAllEdges(): Promise<void> {
  const exits = [...children].map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  killAllChildren();
  await Promise.all(exits);
}

export interface EdgeProcess {
  child: ChildProcess;
  url: string;
  /** The HTTPS listener (HTTPS_PORT=0 here: a free port), or null with HTTPS=off. */
  httpsUrl: string | null;
  exited: Promise<void>;
  /** The last log lines (stdout and stderr), for failure messages. */
  logs: string[];
  /** Log lines at level error or above. */
  errors: string[];
}

function childEnv(dataDir: string, overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return {
    ...env,
    DATA_DIR: dataDir,
    PORT: '0',
    HTTPS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    STATION_RATE_PER_SECOND: '100000',
    DEMO: '1',
    // The tests read the English words on screen; a test of the Thai screen passes STATION_LANGUAGE=th.
    STATION_LANGUAGE: 'en',
    ...overrides,
  };
}

/** Starts `npm start`'s entry point and resolves once it logged 'edge server listening'. */
export async function startEdge(dataDir: string, env: Record<string, string> = {}): Promise<EdgeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge-server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: childEnv(dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const logs: string[] = [];
  const errors: string[] = [];
  const keep = (line: string): void => {
    logs.push(line);
    if (logs.length > 100) logs.shift();
  };
  const { url, httpsUrl } = await new Promise<{ url: string; httpsUrl: string | null }>((resolve, reject) => {
    // Only bounds a broken start: it is awaited by its log line, which a busy machine just delays.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the edge server did not start within ${START_LIMIT_MS / 1000} s:\n${logs.join('\n')}`),
      );
    }, START_LIMIT_MS);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      keep(line);
      let entry: { level?: number; msg?: string; url?: unknown; httpsUrl?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) errors.push(line);
      if (entry.msg === 'edge server listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve({ url: entry.url, httpsUrl: typeof entry.httpsUrl === 'string' ? entry.httpsUrl : null });
      }
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) =>
      keep(`stderr: ${line}`),
    );
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        new Error(`the edge server exited (code ${child.exitCode}) before listening:\n${logs.join('\n')}`),
      );
    });
  });
  return { child, url, httpsUrl, exited, logs, errors };
}

export async function killEdge(edge: EdgeProcess): Promise<void> {
  edge.child.kill('SIGKILL');
  await edge.exited;
}

/** A graceful stop (SIGTERM); SIGKILL if it takes more than 10 s. */
export async function stopEdge(edge: EdgeProcess): Promise<void> {
  edge.child.kill('SIGTERM');
  const timer = setTimeout(() => edge.child.kill('SIGKILL'), 10_000);
  await edge.exited;
  clearTimeout(timer);
}
