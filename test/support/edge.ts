/** @module Test harness: a real edge server on a real SQLite file in a temp dir, on a random loopback port. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { StationLanguage, TokenRef } from '../../shared/protocol';
import type { Config } from '../../edge-server/config';
import { loadConfig } from '../../edge-server/config';
import type { DemoFile } from '../../edge-server/ops/demo';
import { loadDemo } from '../../edge-server/ops/demo';
import type { HttpsListener, RunningServer } from '../../edge-server/http/server';
import type { Logger } from '../../edge-server/logger';
import { startServer } from '../../edge-server/http/server';
import type { EdgeCore } from '../../edge-server/edge';
import { openEdgeCore } from '../../edge-server/edge';
import { pino } from 'pino';

export interface TestEdge {
  core: EdgeCore;
  server: RunningServer;
  url: string;
  dataDir: string;
  demo: DemoFile;
  /** The station token of the demo station at a work center (e.g. 'WC-CUT'). */
  stationToken: (workCenter: string) => string;
  /** A logged-in session token for the demo supervisor or admin. */
  login: (who: 'supervisor' | 'admin') => Promise<string>;
  close: () => Promise<void>;
}

export function tempDir(prefix = 'scan-station-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Test sites speak English unless a test asks for Thai: the tests read the English words on screen
 * (the product's default, STATION_LANGUAGE=th, has its own tests).
 */
export const TEST_STATION_LANGUAGE: StationLanguage = 'en';

/** One step of a demo item: the work center's station sends this event at this node. */
export type DemoStep = [workCenter: string, type: string, nodeCode: string, data?: Record<string, unknown>];

/** The demo wallet routing from start to finish, one station per work center. */
export const DEMO_WALLET_STEPS: readonly DemoStep[] = [
  ['WC-CUT', 'start', 'CUT'],
  ['WC-CUT', 'complete', 'CUT'],
  ['WC-SEW', 'start', 'SEW'],
  ['WC-SEW', 'complete', 'SEW'],
  ['WC-EDGE', 'start', 'EDGE'],
  ['WC-EDGE', 'complete', 'EDGE'],
  ['WC-FIN', 'start', 'FINISH'],
  ['WC-FIN', 'complete', 'FINISH'],
];

/** The demo's wallet serial number n (WL-DEMO-0001 …). */
export const demoWallet = (n: number): string => `WL-DEMO-${String(n).padStart(4, '0')}`;

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    STATION_RATE_PER_SECOND: '1000',
    STATION_LANGUAGE: TEST_STATION_LANGUAGE,
    ...env,
  });
}

/**
 * Starts an edge server with the demo loaded; pass `clock` to control time, `language` for the
 * language of its stations' screens (STATION_LANGUAGE; English by default here).
 */
export async function startTestEdge(
  options: {
    env?: Record<string, string>;
    clock?: () => Date;
    log?: Logger;
    https?: HttpsListener;
    language?: StationLanguage;
  } = {},
): Promise<TestEdge> {
  const dataDir = tempDir();
  const language = options.language ? { STATION_LANGUAGE: options.language } : {};
  const config = testConfig(dataDir, { ...language, ...options.env });
  const core = openEdgeCore(config, {
    log: options.log ?? pino({ level: 'silent' }),
    defaultMetrics: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const demo = loadDemo(core);
  const server = await startServer(core, 0, '127.0.0.1', options.https ?? null);
  const url = `http://127.0.0.1:${server.port}`;
  return {
    core,
    server,
    url,
    dataDir,
    demo,
    stationToken: (wc) => {
      const station = demo.stations.find((s) => s.workCenter === wc);
      if (!station) throw new Error(`no demo station at ${wc}`);
      return station.token;
    },
    login: async (who) => {
      const creds = who === 'admin' ? demo.admin : demo.supervisor;
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(creds),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    close: async () => {
      await server.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token as results and records show it: {code, branch, nodeCode, status}. */
export function tok(
  code: string,
  branch: string | null,
  nodeCode: string,
  status: TokenRef['status'],
): TokenRef {
  return { code, branch, nodeCode, status };
}

/** Builds a station event with a fresh UUIDv7 id; `seq` must be given by the caller's station. */
export function stationEvent(fields: {
  seq: number;
  type: string;
  code: string;
  nodeCode: string;
  operatorBadge?: string;
  occurredAt?: string;
  qty?: number;
  data?: Record<string, unknown>;
  id?: string;
}): Record<string, unknown> {
  return {
    id: fields.id ?? uuidv7(),
    operatorBadge: 'OP-0001',
    occurredAt: new Date().toISOString(),
    data: {},
    ...fields,
  };
}

/** POSTs a batch to /api/v1/events with a station token. */
export async function push(
  url: string,
  token: string,
  events: unknown[],
  stationClock = new Date().toISOString(),
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ stationClock, events }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** A station that numbers its own events, as a tablet does. */
export class TestStation {
  private seq = 0;
  constructor(
    readonly url: string,
    readonly token: string,
    readonly operatorBadge = 'OP-0001',
  ) {}

  event(type: string, code: string, nodeCode: string, data: Record<string, unknown> = {}, qty?: number) {
    return stationEvent({
      seq: ++this.seq,
      type,
      code,
      nodeCode,
      operatorBadge: this.operatorBadge,
      data,
      ...(qty === undefined ? {} : { qty }),
    });
  }

  /** Sends one event and returns its result. */
  async send(type: string, code: string, nodeCode: string, data: Record<string, unknown> = {}, qty?: number) {
    const res = await push(this.url, this.token, [this.event(type, code, nodeCode, data, qty)]);
    if (res.status !== 200) throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.results[0];
  }
}

/**
 * The demo tote's way on from its strap branch: STITCH-STRAP, ASSEMBLE, QC-FINAL (passed, grade A)
 * and PACK, each started and completed by its work center's station; returns PACK's result.
 */
export async function finishToteFromStitch(
  station: (workCenter: string) => TestStation,
  serial: string,
): Promise<{ status: string }> {
  const steps: readonly (readonly [
    workCenter: string,
    node: string,
    done: string,
    data?: Record<string, unknown>,
  ])[] = [
    ['WC-STITCH', 'STITCH-STRAP', 'complete'],
    ['WC-ASM', 'ASSEMBLE', 'complete'],
    ['WC-QC', 'QC-FINAL', 'qc_pass', { grade: 'A' }],
    ['WC-PACK', 'PACK', 'complete'],
  ];
  let last: { status: string } = { status: 'nothing sent' };
  for (const [workCenter, node, done, data] of steps) {
    const at = station(workCenter);
    await at.send('start', serial, node);
    last = (await at.send(done, serial, node, data)) as { status: string };
  }
  return last;
}
