/**
 * @module `npm run edge -- <command>`: the integrator's tools on the site's database (DATA_DIR),
 * safe to run beside the running server (SQLite WAL, busy timeout).
 */
import type { AdminChangeInput } from './admin/admin-changes';
import { recordAdminChange } from './admin/admin-changes';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderUnicodeCompact } from 'uqr';
import { addOperator, addUser } from './admin/people';
import { importRouting } from './admin/routings';
import { enrollmentLinks, enrollStation, revokeStation, setStationLanguage } from './admin/stations';
import { createTicket } from './admin/tickets';
import { issueDisplay, listDisplays, revokeDisplay, wallLinks } from './admin/displays';
import { clearTarget, listTargets, setTarget } from './admin/targets';
import type { Config } from './config';
import { loadConfig } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open';
import { formatSchemaReport, verifySchema } from './db/verify-schema';
import { isEmptySite, loadDemo } from './ops/demo';
import type { Result } from './errors';
import { DomainError, valueOf } from './errors';
import { enrollSite } from './hub/intake';
import { createLogger } from './logger';
import type { EdgeCore } from './edge';
import { openEdgeCore } from './edge';
import { backupNow, restoreBackup } from './ops/backup';
import { runningServer } from './ops/server-lock';
import { serviceFiles } from './ops/service-unit';

const USAGE = `usage: npm run edge -- <command> [options]

  migrate                        apply pending migrations to DATA_DIR/edge.sqlite
  verify-schema                  compare the live schema with the migrations; run integrity checks
  import-routing FILE            publish a routing (DAG or linear task list, JSON)
  create-ticket --code C --routing R --qty N [--batch] [--serial-prefix P] [--serials A,B,...]
  enroll-station --name N [--work-center WC] [--nodes A,B] [--language th|en]   prints the station
                                 token (shown once) and a one-time enrollment link, with its QR code;
                                 without --language its screen speaks STATION_LANGUAGE
  station-language --name N --language th|en|site   the language a station's screen speaks from its
                                 next snapshot on (site: STATION_LANGUAGE again)
  revoke-station --name N
  issue-display --name N         a wall display (a TV showing the floor board): prints its link, with
                                 its QR code (shown once; the link holds the display's secret)
  list-displays                  the wall displays: issued, last seen, revoked
  revoke-display --name N        the display's link stops working (its open board stops within 15 s)
  set-target --routing R --node N --per-hour U   the units per hour expected of an operation node
                                 (the floor board shows done against it; kept across new versions of
                                 the routing while the node's code stays)
  set-target --routing R --node N --clear         the node has no target again
  list-targets                   every target per node, who set it and when
  add-operator --badge B [--name "Full Name"] [--pin 1234] [--language th|en]
  add-user --username U --role supervisor|admin --password P
  enroll-site --code SITE [--relays]   hub mode: a credential for a site that forwards here (shown
                                 once); --relays for a hub that passes on other sites' records
  backup [FILE]                  online backup of the database to FILE (consistent while the server
                                 runs), or into BACKUP_DIR keeping the newest BACKUP_KEEP
  restore FILE                   replace the database with a backup, after checking it (integrity,
                                 foreign keys, migrations, schema); the server must be stopped
  archive                        move settled, delivered events older than RETENTION_DAYS to the
                                 monthly archive files now (the server also does it every hour)
  service-unit [--user U] [--out FILE]   write a systemd unit for this checkout (default
                                 ./scan-station-edge.service) and print how to install it
  demo                           load the demo data into an empty site

settings come from the environment: DATA_DIR (default ./data), SITE_CODE, ...`;

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

const OPTIONS = {
  code: { type: 'string' },
  routing: { type: 'string' },
  version: { type: 'string' },
  qty: { type: 'string' },
  batch: { type: 'boolean' },
  'serial-prefix': { type: 'string' },
  serials: { type: 'string' },
  name: { type: 'string' },
  'work-center': { type: 'string' },
  nodes: { type: 'string' },
  language: { type: 'string' },
  badge: { type: 'string' },
  pin: { type: 'string' },
  username: { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
  relays: { type: 'boolean' },
  node: { type: 'string' },
  'per-hour': { type: 'string' },
  clear: { type: 'boolean' },
  user: { type: 'string' },
  out: { type: 'string' },
} as const;

interface Invocation {
  config: Config;
  values: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>
  >['values'];
  positionals: string[];
  now: string;
}

/** Commands that work on the database file itself (no site opened). Each returns its exit code. */
const FILE_COMMANDS: Record<string, (a: Invocation) => Promise<number> | number> = {
  migrate: ({ config }) => {
    const db = openDatabase(config.databaseFile);
    const { applied, alreadyApplied } = migrate(db);
    console.log(
      `${config.databaseFile}: applied ${applied.length} migration(s), ${alreadyApplied} already applied`,
    );
    db.close();
    return 0;
  },
  'verify-schema': ({ config }) => {
    if (!fs.existsSync(config.databaseFile)) {
      console.error(`no database at ${config.databaseFile}`);
      return 1;
    }
    const db = openDatabase(config.databaseFile);
    const report = verifySchema(db);
    console.log(formatSchemaReport(report));
    db.close();
    return report.ok ? 0 : 1;
  },
  backup: async ({ config, positionals }) => {
    const target = positionals[0];
    if (!target && !config.backup) {
      throw new DomainError('invalid', 'backup needs a target FILE, or BACKUP_DIR in the environment');
    }
    const db = openDatabase(config.databaseFile);
    try {
      if (target) {
        fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
        await db.backup(target);
        console.log(`backed up ${config.databaseFile} to ${path.resolve(target)}`);
      } else if (config.backup) {
        print(await backupNow(db, { ...config.backup, archiveDir: config.archiveDir }, new Date()));
      }
    } finally {
      db.close();
    }
    return 0;
  },
  restore: ({ config, positionals }) => {
    const source = positionals[0];
    if (!source) throw new DomainError('invalid', 'restore needs the backup FILE');
    const holder = runningServer(config.dataDir);
    if (holder !== null) {
      console.error(`an edge server (pid ${holder}) is running on ${config.dataDir}: stop it, then restore`);
      return 1;
    }
    print(restoreBackup(path.resolve(source), config.databaseFile, config.archiveDir, new Date()));
    return 0;
  },
  'service-unit': ({ config, values }) => {
    const out = path.resolve(values.out ?? 'scan-station-edge.service');
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const files = serviceFiles({
      root,
      node: process.execPath,
      dataDir: config.dataDir,
      user: values.user,
      env: process.env,
    });
    fs.writeFileSync(out, files.unit);
    if (files.secrets) {
      fs.mkdirSync(path.dirname(files.secrets.file), { recursive: true });
      fs.writeFileSync(files.secrets.file, files.secrets.text, { mode: 0o600 });
      fs.chmodSync(files.secrets.file, 0o600);
      console.log(`wrote ${files.secrets.file} (mode 0600): the settings that hold a secret`);
    }
    console.log(`wrote ${out}; to install it:
  sudo cp ${out} /etc/systemd/system/scan-station-edge.service
  sudo systemctl daemon-reload && sudo systemctl enable --now scan-station-edge
  journalctl -u scan-station-edge -f     # its logs`);
    return 0;
  },
};

/**
 * A change made on the command line, with its line in the audit trail (DK-1, by 'cli') in the same
 * transaction; `describe` may answer null for a change that changed nothing (a routing re-imported).
 */
function byCli<T>(
  core: EdgeCore,
  now: string,
  describe: (value: T) => Omit<AdminChangeInput, 'at' | 'by'> | null,
  run: () => Result<T>,
): T {
  return core.db
    .transaction(() => {
      const value = valueOf(run());
      const change = describe(value);
      if (change) recordAdminChange(core.db, { at: now, by: 'cli', ...change });
      return value;
    })
    .immediate();
}

/** Commands on an opened site (migrated and checked). Each returns its exit code. */
const SITE_COMMANDS: Record<string, (core: EdgeCore, a: Invocation) => number> = {
  'import-routing': (core, { positionals, now }) => {
    const file = positionals[0];
    if (!file) throw new DomainError('invalid', 'import-routing needs a FILE');
    const input: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const routing = byCli(
      core,
      now,
      (r) => (r.created ? { action: 'routing.publish', subject: `${r.code} v${r.version}` } : null),
      () => importRouting(core.db, input, now),
    );
    print(routing);
    return 0;
  },
  'create-ticket': (core, { values, now }) => {
    const input = {
      code: values.code,
      routing: values.routing,
      ...(values.version ? { routingVersion: Number(values.version) } : {}),
      processMode: values.batch ? 'batch' : 'piece',
      qty: Number(values.qty),
      ...(values['serial-prefix'] ? { serialPrefix: values['serial-prefix'] } : {}),
      ...(values.serials ? { serials: list(values.serials) } : {}),
    };
    const describe = (t: { code: string; tokens: string[] }) => ({
      action: 'ticket.release' as const,
      subject: t.code,
      detail: { tokens: t.tokens.length },
    });
    print(byCli(core, now, describe, () => createTicket(core.db, core.system, input, now)));
    return 0;
  },
  'enroll-station': (core, { config, values, now }) => {
    const input = {
      name: values.name,
      ...(values['work-center'] ? { workCenter: values['work-center'] } : {}),
      ...(values.nodes ? { nodeCodes: list(values.nodes) } : {}),
      ...(values.language === undefined ? {} : { language: values.language }),
    };
    const enrolled = byCli(
      core,
      now,
      (e) => ({ action: 'station.enroll', subject: e.name }),
      () => enrollStation(core.db, input, now, config.stationLanguage),
    );
    const links = enrollmentLinks(config, enrolled.enrollCode);
    print({ ...enrolled, ...links });
    // A tablet scans the first LAN link; the localhost one only works on this machine.
    const link = links.lanEnrollUrls[0] ?? links.enrollUrl;
    console.log(`\nenrollment link for ${enrolled.name} (works once, until ${enrolled.enrollExpiresAt}):`);
    console.log(link);
    const others = [...links.lanEnrollUrls.slice(1), ...(link === links.enrollUrl ? [] : [links.enrollUrl])];
    for (const other of others) console.log(`  or ${other}`);
    console.log(renderUnicodeCompact(link, { border: 2 }));
    return 0;
  },
  'station-language': (core, { config, values }) => {
    if (values.language === undefined) {
      throw new DomainError('invalid', 'station-language needs --language th, en or site');
    }
    const language = values.language === 'site' ? null : values.language;
    const name = values.name ?? '';
    const changed = byCli(
      core,
      new Date().toISOString(),
      (l) => ({ action: 'station.language', subject: name, detail: { language: l.language } }),
      () => setStationLanguage(core.db, name, { language }, config.stationLanguage),
    );
    print(changed);
    return 0;
  },
  'revoke-station': (core, { values, now }) => {
    const name = values.name ?? '';
    byCli(
      core,
      now,
      () => ({ action: 'station.revoke', subject: name }),
      () => revokeStation(core.db, name, now),
    );
    console.log(`revoked ${values.name}`);
    return 0;
  },
  'issue-display': (core, { config, values, now }) => {
    const { display, secret } = byCli(
      core,
      now,
      (d) => ({ action: 'display.issue', subject: d.display.name }),
      () => issueDisplay(core.db, { name: values.name ?? '' }, 'cli', now),
    );
    const [link, ...others] = wallLinks(config, secret);
    print({ display, secret });
    console.log(
      `\nwall link for ${display.name} (open it on the TV; it works until the display is revoked):`,
    );
    console.log(link);
    for (const other of others) console.log(`  or ${other}`);
    if (link) console.log(renderUnicodeCompact(link, { border: 2 }));
    return 0;
  },
  'list-displays': (core) => {
    print(listDisplays(core.db));
    return 0;
  },
  'revoke-display': (core, { values, now }) => {
    const name = values.name ?? '';
    byCli(
      core,
      now,
      () => ({ action: 'display.revoke', subject: name }),
      () => revokeDisplay(core.db, name, now),
    );
    console.log(`revoked display ${values.name}`);
    return 0;
  },
  'set-target': (core, { values, now }) => {
    const routing = values.routing ?? '';
    const node = values.node ?? '';
    if (values.clear) {
      const cleared = byCli(
        core,
        now,
        () => ({ action: 'target.clear', subject: `${routing} ${node}` }),
        () => clearTarget(core.db, routing, node),
      );
      console.log(cleared ? `cleared the target of ${routing}/${node}` : `${routing}/${node} had no target`);
      return 0;
    }
    if (values['per-hour'] === undefined) {
      throw new DomainError('invalid', 'set-target needs --per-hour U (units per hour) or --clear');
    }
    const input = { unitsPerHour: Number(values['per-hour']) };
    const target = byCli(
      core,
      now,
      (t) => ({
        action: 'target.set',
        subject: `${routing} ${node}`,
        detail: { unitsPerHour: t.unitsPerHour },
      }),
      () => setTarget(core.db, routing, node, input, 'cli', now),
    );
    print(target);
    return 0;
  },
  'list-targets': (core) => {
    print(listTargets(core.db));
    return 0;
  },
  'add-operator': (core, { values, now }) => {
    const input = { badge: values.badge, name: values.name, pin: values.pin, language: values.language };
    const describe = (o: { badge: string }) => ({ action: 'operator.add' as const, subject: o.badge });
    print(byCli(core, now, describe, () => addOperator(core.db, input, now)));
    return 0;
  },
  'add-user': (core, { values, now }) => {
    const input = { username: values.username, role: values.role, password: values.password };
    const describe = (u: { username: string; role: string }) => ({
      action: 'user.add' as const,
      subject: u.username,
      detail: { role: u.role },
    });
    print(byCli(core, now, describe, () => addUser(core.db, input, now)));
    return 0;
  },
  'enroll-site': (core, { values, now }) => {
    const input = { code: values.code, relays: values.relays ?? false };
    const describe = (site: { code: string }) => ({ action: 'site.enroll' as const, subject: site.code });
    print(byCli(core, now, describe, () => enrollSite(core.db, input, now)));
    return 0;
  },
  archive: (core) => {
    print(core.archive.run(new Date()));
    return 0;
  },
  demo: (core, { config }) => {
    if (!isEmptySite(core)) {
      console.error('the site already has routings; the demo loads into an empty DATA_DIR only');
      return 1;
    }
    loadDemo(core);
    console.log(`demo loaded; station tokens and passwords are in ${path.join(config.dataDir, 'demo.json')}`);
    return 0;
  },
};

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  const invocation: Invocation = { config: loadConfig(), values, positionals, now: new Date().toISOString() };
  const onFile = command === undefined ? undefined : FILE_COMMANDS[command];
  if (onFile) return onFile(invocation);
  const onSite = command === undefined ? undefined : SITE_COMMANDS[command];
  if (!onSite) {
    console.error(command ? `unknown command: ${command}\n\n${USAGE}` : USAGE);
    return command ? 2 : 0;
  }
  const core = openEdgeCore(invocation.config, { log: createLogger('warn'), defaultMetrics: false });
  try {
    return onSite(core, invocation);
  } finally {
    core.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DomainError) console.error(`${error.kind}: ${error.message}`);
    else console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
