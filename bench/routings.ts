/**
 * @module Routing checks at scale (`npm run bench`, or alone: `npx tsx bench/routings.ts`).
 *
 * For a chain, a split into many branches and deeply nested splits, at 5,000 and 10,000 nodes:
 * the publish rules alone (validateGraph) and the whole check a routing import runs (schema,
 * graph, rules, content hash), each beside JSON.parse of the same routing (the cheapest thing the
 * server must do with any body) measured in the same run; and how the time grows when the routing
 * doubles (near 2x: linear). Then the server's event loop during an HTTP import of the largest
 * one: its longest stall (the median of 3 imports), beside the longest stall during a plain
 * 100-event push, on one real edge server after a warm-up.
 */
import { pino } from 'pino';
import { checkRouting } from '../edge-server/admin/routings';
import { loadConfig } from '../edge-server/config';
import { loadDemo } from '../edge-server/ops/demo';
import { startServer } from '../edge-server/http/server';
import { openEdgeCore } from '../edge-server/edge';
import { validateGraph } from '../shared/graph-validation';
import { routingGraphFromInput, routingInputSchema } from '../shared/routing-import';
import { chainRouting, nestedSplits, wideSplit } from '../test/support/large-routings';
import { percentile } from './stats';
import { withTempDir } from './temp';

const WORK_CENTERS = [
  { code: 'WC-OP', name: 'Operations', behavior: 'ASSEMBLY' },
  { code: 'WC-QC', name: 'Inspection', behavior: 'QC' },
];

type Shape = 'chain' | 'wide split' | 'nested splits';

function routing(shape: Shape, nodes: number, code = 'BENCH') {
  const drawn =
    shape === 'chain'
      ? chainRouting(nodes)
      : shape === 'wide split'
        ? wideSplit(nodes - 4)
        : nestedSplits(nodes / 3);
  return { code, name: `${shape} of ${nodes}`, version: 1, workCenters: WORK_CENTERS, ...drawn };
}

/** Median of `runs` timings of `fn` (after one warm-up call), in ms. */
function median(fn: () => unknown, runs = 7): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

export interface RoutingCheckRow {
  shape: Shape;
  nodes: number;
  bytes: number;
  parseMs: number;
  validateMs: number;
  checkMs: number;
  /** validateMs at this size ÷ at half the size. */
  growth: number | null;
}

export interface RoutingBenchResult {
  rows: RoutingCheckRow[];
  stall: { importMaxMs: number; importNodes: number; pushMaxMs: number; importStatus: number };
}

export async function runRoutingBench(): Promise<RoutingBenchResult> {
  const rows: RoutingCheckRow[] = [];
  // Warm the JIT on small routings first, so that the first shape measured is not the one that pays.
  for (const shape of ['chain', 'wide split', 'nested splits'] as const) {
    const small = JSON.stringify(routing(shape, 999));
    for (let i = 0; i < 5; i++) checkRouting(JSON.parse(small));
  }
  for (const shape of ['chain', 'wide split', 'nested splits'] as const) {
    let previous: number | null = null;
    for (const nodes of [5_001, 10_002]) {
      const body = JSON.stringify(routing(shape, nodes - (nodes % 3)));
      const graph = routingGraphFromInput(routingInputSchema.parse(JSON.parse(body)));
      const codes = WORK_CENTERS.map((w) => w.code);
      if (validateGraph(graph, codes).length > 0) throw new Error(`the ${shape} routing does not validate`);
      const parseMs = median(() => JSON.parse(body));
      const validateMs = median(() => validateGraph(graph, codes));
      const checkMs = median(() => checkRouting(JSON.parse(body)), 5);
      rows.push({
        shape,
        nodes: graph.nodes.length,
        bytes: body.length,
        parseMs,
        validateMs,
        checkMs,
        growth: previous === null ? null : validateMs / previous,
      });
      previous = validateMs;
    }
  }
  const stall = await withTempDir('bench-routing-', async (dir) => {
    const core = openEdgeCore(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', HTTPS: 'off' }), {
      log: pino({ level: 'silent' }),
      defaultMetrics: false,
    });
    const demo = loadDemo(core);
    const server = await startServer(core, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demo.admin),
      });
      const { token } = (await login.json()) as { token: string };
      /** The longest the event loop went without running a 1 ms timer while `work` ran. */
      const watch = async (work: () => Promise<number>): Promise<{ maxMs: number; status: number }> => {
        let last = performance.now();
        let maxMs = 0;
        const timer = setInterval(() => {
          const now = performance.now();
          maxMs = Math.max(maxMs, now - last - 1);
          last = now;
        }, 1);
        const status = await work();
        clearInterval(timer);
        return { maxMs, status };
      };
      const station = demo.stations.find((s) => s.workCenter === 'WC-CUT')?.token ?? '';
      const now = new Date().toISOString();
      let seq = 0;
      const events = Array.from({ length: 100 }, (_, i) => ({
        id: crypto.randomUUID(),
        seq: ++seq,
        type: 'note',
        code: 'BV-DEMO-0001',
        nodeCode: 'CUT',
        operatorBadge: 'OP-0001',
        occurredAt: now,
        data: { text: `note ${i}` },
      }));
      const push = () =>
        watch(async () => {
          const at = new Date().toISOString();
          const res = await fetch(`${url}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${station}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              stationClock: at,
              events: events.map((e) => ({ ...e, id: crypto.randomUUID(), seq: ++seq })),
            }),
          });
          await res.arrayBuffer();
          return res.status;
        });
      const publish = (nodes: number, code: string) =>
        watch(async () => {
          const res = await fetch(`${url}/api/v1/admin/routings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(routing('wide split', nodes, code)),
          });
          await res.arrayBuffer();
          return res.status;
        });
      // Warm-up: the first requests compile the code paths they take.
      for (let i = 0; i < 3; i++) await push();
      await publish(1_000, 'BENCH-WARM');
      const pushes = [await push(), await push(), await push()];
      const imports = [
        await publish(10_004, 'BENCH-WIDE-1'),
        await publish(10_004, 'BENCH-WIDE-2'),
        await publish(10_004, 'BENCH-WIDE-3'),
      ];
      const mid = <T extends { maxMs: number }>(list: T[]): T =>
        [...list].sort((a, b) => a.maxMs - b.maxMs)[1] as T;
      const pushed = mid(pushes);
      const imported = mid(imports);
      const big = { nodes: { length: 10_004 } };
      return {
        importMaxMs: imported.maxMs,
        importNodes: big.nodes.length,
        pushMaxMs: pushed.maxMs,
        importStatus: imported.status,
      };
    } finally {
      await server.close();
      core.close();
    }
  });
  return { rows, stall };
}

export function formatRoutingBench(result: RoutingBenchResult): string {
  const lines = [
    'shape           nodes   KB   JSON.parse ms  rules ms  whole check ms  rules vs parse  growth (2x nodes)  target',
    '--------------  ------  ---  -------------  --------  --------------  --------------  -----------------  ----------------------------',
  ];
  for (const r of result.rows) {
    const growth = r.growth === null ? '-' : `${r.growth.toFixed(2)}x`;
    const verdict =
      r.nodes >= 10_000
        ? (r.checkMs < 1000 && (r.growth ?? 0) < 3 ? 'PASS' : 'MISS') + ' (<1 s, growth <3x)'
        : '-';
    lines.push(
      `${r.shape.padEnd(14)}  ${String(r.nodes).padStart(6)}  ${String(Math.round(r.bytes / 1024)).padStart(3)}  ${r.parseMs.toFixed(1).padStart(13)}  ${r.validateMs.toFixed(1).padStart(8)}  ${r.checkMs.toFixed(1).padStart(14)}  ${`${(r.validateMs / r.parseMs).toFixed(2)}x`.padStart(14)}  ${growth.padStart(17)}  ${verdict}`,
    );
  }
  const s = result.stall;
  lines.push(
    '',
    `event loop during an HTTP import of a ${s.importNodes}-node routing (answered ${s.importStatus}): longest stall ${s.importMaxMs.toFixed(1)} ms` +
      ` (a 100-event push: ${s.pushMaxMs.toFixed(1)} ms); target <= 100 ms: ${s.importMaxMs <= 100 ? 'PASS' : 'MISS'}`,
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runRoutingBench().then(
    (result) => console.log(formatRoutingBench(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
