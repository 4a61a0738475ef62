/**
 * The README's curl walkthrough, run as written against a fresh demo server: it must drive tote
 * BV-DEMO-0001 through the whole BAG-TOTE routing to `completed`, and the supervisor calls must answer.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

const run = promisify(execFile);

/** The shell blocks of the README section that drives a tote, in order. */
function walkthroughBlocks(): string[] {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split('\n## ').find((s) => s.startsWith('Drive a tote'));
  if (!section) throw new Error('README has no "Drive a tote" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

describe('README: drive a tote through the demo routing with curl', () => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await startTestEdge();
  });
  afterAll(async () => {
    await edge.close();
  });

  it('RT-1 … RT-5: the documented commands take BV-DEMO-0001 from CUT through split, join, rework and grade A to completed', async () => {
    const blocks = walkthroughBlocks();
    expect(blocks.length).toBe(2);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', blocks.join('\n')], {
      cwd: path.join(import.meta.dirname, '../..'),
      env: { ...process.env, EDGE: edge.url, DEMO: path.join(edge.dataDir, 'demo.json') },
      timeout: 120_000,
    });
    const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
    const results = lines.slice(0, 16).map((l) => JSON.parse(l).results[0]);
    expect(results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
    expect(
      results.map(
        (r: { token: { nodeCode: string; status: string } }) => `${r.token.nodeCode} ${r.token.status}`,
      ),
    ).toEqual([
      'CUT active',
      'SPLIT-PANELS split',
      'EDGE-BODY active',
      'JOIN-PANELS waiting',
      'STITCH-STRAP active',
      'JOIN-PANELS completed',
      'ASSEMBLE active',
      'QC-FINAL ready',
      'QC-FINAL active',
      'ASSEMBLE ready',
      'ASSEMBLE active',
      'QC-FINAL ready',
      'QC-FINAL active',
      'PACK ready',
      'PACK active',
      'PACK completed',
    ]);
    const trace = JSON.parse(lines[16] ?? '{}');
    expect(trace.code).toBe('BV-DEMO-0001');
    expect(trace.members[0]).toMatchObject({ nodeCode: 'PACK', status: 'completed' });
    expect(JSON.parse(lines[17] ?? '{}').nodes.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[18] ?? '{}').stations.length).toBe(edge.demo.stations.length);
  });
});
