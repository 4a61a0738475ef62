/**
 * @module A systemd unit for this checkout: `npm run edge -- service-unit` writes it, an integrator
 * copies it to /etc/systemd/system. It runs the compiled server (dist/server/main.js, built first if
 * the sources are newer) with this checkout's Node (the one the CLI runs under: scripts/node24 gives
 * Node 24), restarts it whenever it stops, and stops it with
 * SIGTERM, which finishes requests in progress, stops the forwarder and backups cleanly, then
 * exits (main.ts); after TimeoutStopSec systemd would SIGKILL, which SQLite also survives.
 * Settings that hold a secret go into an environment file only its owner reads (0600, in
 * DATA_DIR), not into the unit, which anyone on the box can read (and `systemctl show` prints).
 */
import path from 'node:path';
import { ConfigError, SETTING_NAMES } from '../config';

/**
 * Settings carried into the unit when they are set where the CLI runs: all of them, but DATA_DIR
 * (given to the command) and LOG_FORMAT (journald gets JSON).
 */
const CARRIED = SETTING_NAMES.filter((name) => name !== 'DATA_DIR' && name !== 'LOG_FORMAT');

/** Settings that carry a secret: the upstream's credential; a NATS URL may hold a user and password. */
const SECRET = new Set<string>(['UPSTREAM_CREDENTIAL', 'NATS_URL']);

/** What `service-unit` writes: the unit, and the environment file with the secrets (null: none set). */
export interface ServiceFiles {
  unit: string;
  secrets: { file: string; text: string } | null;
}

export interface UnitOptions {
  /** The checkout (the folder with package.json). */
  root: string;
  /** The Node executable to run (absolute). */
  node: string;
  dataDir: string;
  /** The user to run as; none: root (systemd's default). */
  user?: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** systemd's quoting for one Environment= assignment; `%` is a specifier there, so it is doubled. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

export function serviceFiles(options: UnitOptions): ServiceFiles {
  const dataDir = path.resolve(options.dataDir);
  const env = [`DATA_DIR=${dataDir}`, 'LOG_FORMAT=json'];
  const secrets: string[] = [];
  for (const name of CARRIED) {
    const value = options.env[name];
    if (value === undefined || value === '') continue;
    // A line break would end the assignment and start a directive of its own.
    if (/[\r\n]/.test(value))
      throw new ConfigError(`${name}: a value in a systemd unit cannot hold a line break`);
    if (SECRET.has(name)) secrets.push(`${name}=${envFileQuote(value)}`);
    else env.push(`${name}=${value}`);
  }
  const secretsFile = path.join(dataDir, 'service.env');
  return {
    unit: unitText(options, env, secrets.length > 0 ? secretsFile : null),
    secrets: secrets.length > 0 ? { file: secretsFile, text: `${secrets.join('\n')}\n` } : null,
  };
}

/** An EnvironmentFile's quoting: no specifiers there, only quotes and backslashes escaped. */
function envFileQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function unitText(options: UnitOptions, env: readonly string[], secretsFile: string | null): string {
  return `[Unit]
Description=Scan station edge server (${options.root})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${options.root}
${env.map((e) => `Environment=${quote(e)}`).join('\n')}
${secretsFile ? `EnvironmentFile=${secretsFile}\n` : ''}ExecStart=${options.node} --enable-source-maps ${path.join(options.root, 'scripts', 'build-server.ts')} --if-stale --run main
Restart=always
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=30
${options.user ? `User=${options.user}\n` : ''}NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
`;
}
