/**
 * @module A systemd unit for this checkout: `npm run edge -- service-unit` writes it, an integrator
 * copies it to /etc/systemd/system. It runs the compiled server (dist/server/main.js, built first if
 * the sources are newer) with this checkout's Node (the one the CLI runs under: scripts/node24 gives
 * Node 24), restarts it whenever it stops, and stops it with
 * SIGTERM, which finishes requests in progress, stops the forwarder and backups cleanly, then
 * exits (main.ts); after TimeoutStopSec systemd would SIGKILL, which SQLite also survives.
 */
import path from 'node:path';
import { ConfigError, SETTING_NAMES } from '../config';

/**
 * Settings carried into the unit when they are set where the CLI runs: all of them, but DATA_DIR
 * (given to the command) and LOG_FORMAT (journald gets JSON).
 */
const CARRIED = SETTING_NAMES.filter((name) => name !== 'DATA_DIR' && name !== 'LOG_FORMAT');

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

export function serviceUnit(options: UnitOptions): string {
  const env = [`DATA_DIR=${path.resolve(options.dataDir)}`, 'LOG_FORMAT=json'];
  for (const name of CARRIED) {
    const value = options.env[name];
    if (value === undefined || value === '') continue;
    // A line break would end the assignment and start a directive of its own.
    if (/[\r\n]/.test(value))
      throw new ConfigError(`${name}: a value in a systemd unit cannot hold a line break`);
    env.push(`${name}=${value}`);
  }
  return `[Unit]
Description=Scan station edge server (${options.root})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${options.root}
${env.map((e) => `Environment=${quote(e)}`).join('\n')}
ExecStart=${options.node} --enable-source-maps ${path.join(options.root, 'scripts', 'build-server.ts')} --if-stale --run main
Restart=always
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=30
${options.user ? `User=${options.user}\n` : ''}NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
`;
}
