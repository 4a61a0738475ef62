/**
 * @module The demo site: both fixture routings, tickets DEMO-TOTE (BV-DEMO-0001…0010) and
 * DEMO-WALLET (WL-DEMO-0001…0005), operators OP-0001…OP-0005 and OP-0006 with a PIN, a
 * supervisor, and one station per work center serving that work center's operation nodes.
 * Writes DATA_DIR/demo.json.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addOperator, addUser } from '../admin/people';
import { importRouting } from '../admin/routings';
import { enrollmentLinks, enrollStation } from '../admin/stations';
import { createTicket } from '../admin/tickets';
import { newSecret } from '../auth/secrets';
import type Database from 'better-sqlite3';
import type { Config } from '../config';
import { valueOf } from '../errors';
import type { SystemEventRecorder } from '../ingest/system-events';

const FIXTURES_DIR = fileURLToPath(new URL('../../shared/fixtures', import.meta.url));
export const DEMO_ROUTINGS = ['routing-bag-dag.json', 'routing-wallet-linear.json'];

export interface DemoFile {
  stations: {
    name: string;
    workCenter: string;
    nodeCodes: string[];
    token: string;
    /** Opens the app on this machine (http://localhost:PORT). */
    enrollUrl: string;
    /** For tablets: https://<LAN address>:HTTPS_PORT per address; see enrollmentLinks for when it is empty. */
    lanEnrollUrls: string[];
  }[];
  /** An operator who signs in with a PIN (checked on the tablet, offline too). */
  pinOperator: { badge: string; pin: string };
  supervisor: { username: string; password: string };
  admin: { username: string; password: string };
}

export function loadFixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8'));
}

/** True when the site has no routing yet: a first start on an empty DATA_DIR. */
export function isEmptySite(core: Pick<DemoDeps, 'db'>): boolean {
  return (core.db.prepare('SELECT count(*) AS n FROM routing_graph').get() as { n: number }).n === 0;
}

/** What loading the demo needs of a site's core. */
export interface DemoDeps {
  db: Database.Database;
  system: SystemEventRecorder;
  config: Pick<Config, 'dataDir' | 'port' | 'host' | 'https' | 'stationLanguage'>;
  clock: () => Date;
}

/** Loads the demo into an empty site; every step must succeed (a failure is a bug here). */
export function loadDemo(core: DemoDeps): DemoFile {
  const now = core.clock().toISOString();
  const workCenters: string[] = [];
  for (const file of DEMO_ROUTINGS) {
    const result = valueOf(importRouting(core.db, loadFixture(file), now));
    for (const wc of [...result.workCenters.created, ...result.workCenters.unchanged]) {
      if (!workCenters.includes(wc)) workCenters.push(wc);
    }
  }
  valueOf(
    createTicket(
      core.db,
      core.system,
      { code: 'DEMO-TOTE', routing: 'BAG-TOTE', qty: 10, serialPrefix: 'BV-DEMO-' },
      now,
    ),
  );
  valueOf(
    createTicket(
      core.db,
      core.system,
      { code: 'DEMO-WALLET', routing: 'WALLET-LINEAR', qty: 5, serialPrefix: 'WL-DEMO-' },
      now,
    ),
  );
  for (let i = 1; i <= 5; i++) {
    valueOf(addOperator(core.db, { badge: `OP-${String(i).padStart(4, '0')}`, name: `Operator ${i}` }, now));
  }
  const pinOperator = { badge: 'OP-0006', pin: String(1000 + randomInt(9000)) };
  valueOf(addOperator(core.db, { ...pinOperator, name: 'Operator 6 (PIN)' }, now));
  const supervisor = { username: 'supervisor', password: newSecret(12) };
  const admin = { username: 'admin', password: newSecret(12) };
  valueOf(addUser(core.db, { ...supervisor, role: 'supervisor' }, now));
  valueOf(addUser(core.db, { ...admin, role: 'admin' }, now));
  const stations = workCenters.map((wc) => {
    const input = { name: `${wc}-1`, workCenter: wc };
    // No language of their own: the demo's screens speak the site's STATION_LANGUAGE.
    const enrolled = valueOf(enrollStation(core.db, input, now, core.config.stationLanguage));
    return {
      name: enrolled.name,
      workCenter: wc,
      nodeCodes: enrolled.nodeCodes,
      token: enrolled.token,
      // Opening one in a browser enrolls that browser as this station (once; valid 7 days). The demo
      // loads before the listeners start: the links use the configured ports.
      ...enrollmentLinks(core.config, enrolled.enrollCode),
    };
  });
  const demo: DemoFile = { stations, pinOperator, supervisor, admin };
  fs.writeFileSync(path.join(core.config.dataDir, 'demo.json'), `${JSON.stringify(demo, null, 2)}\n`, {
    mode: 0o600,
  });
  return demo;
}
