import { describe, expect, it } from 'vitest';
import type { TokenStatus } from '../../shared/domain';
import { validateGraph } from '../../shared/graph-validation';
import { indexGraph } from '../../shared/routing-graph';
import type { Decision, Family, MachineContext } from '../../shared/token-machine';
import { addressedMember, allowedActions, decide, placeMember } from '../../shared/token-machine';
import {
  BAG,
  TEST_WORK_CENTERS,
  WALLET,
  act,
  applied,
  decision,
  drawGraph,
  edge,
  machine,
  member,
  newFamily,
  op,
  qc,
  run,
  when,
} from '../support/shared-fixtures';

const CODE = 'BT-0001';
const ROOT = `${CODE}/root`;

/** The root of a BAG-TOTE piece, as an operator left it at `nodeCode`. */
const root = (nodeCode: string, status: TokenStatus, operator: string | null = null) =>
  member({ key: ROOT, code: CODE, nodeCode, status, operator });

/** The two children the split at SPLIT-PANELS spawns, keyed k1 and k2 by the test's counter. */
const body = (nodeCode: string, status: TokenStatus, operator: string | null = null) =>
  member({ key: 'k1', code: CODE, branch: 'EDGE-BODY', parentKey: ROOT, nodeCode, status, operator });
const strap = (nodeCode: string, status: TokenStatus, operator: string | null = null) =>
  member({ key: 'k2', code: CODE, branch: 'STITCH-STRAP', parentKey: ROOT, nodeCode, status, operator });

const piece = (...members: Family['members']): Family => ({ processMode: 'piece', members });

/** A BAG-TOTE piece whose CUT is done: split into body and strap, both ready on their branches. */
function afterCut(ctx: MachineContext): Family {
  return run(newFamily(BAG, CODE), [act('start', 'CUT'), act('complete', 'CUT', { qty: 1 })], ctx);
}

/** A BAG-TOTE piece at QC-FINAL, active (body and strap joined, assembled). */
function atQc(ctx: MachineContext): Family {
  return run(
    afterCut(ctx),
    [
      act('start', 'EDGE-BODY'),
      act('complete', 'EDGE-BODY'),
      act('start', 'STITCH-STRAP'),
      act('complete', 'STITCH-STRAP'),
      act('start', 'ASSEMBLE'),
      act('complete', 'ASSEMBLE'),
      act('start', 'QC-FINAL'),
    ],
    ctx,
  );
}

const JOINED = [body('JOIN-PANELS', 'completed'), strap('JOIN-PANELS', 'completed')] as const;

describe('a BAG-TOTE piece through the whole DAG', () => {
  it('TM-1, TM-3, RT-1..RT-5, TM-4: CUT -> split -> both branches -> join -> ASSEMBLE -> QC fail, rework, pass A -> PACK -> completed', () => {
    const ctx = machine(BAG);
    let family = newFamily(BAG, CODE);
    const step = (d: Decision): Family => {
      if (d.kind !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(d)}`);
      return d.family;
    };

    // TM-1: start records the operator.
    let d = decide(family, act('start', 'CUT', { operatorBadge: 'OP-0001' }), ctx);
    expect(d).toEqual({
      kind: 'applied',
      family: piece(root('CUT', 'active', 'OP-0001')),
      addressedKey: ROOT,
      effects: [],
    });
    family = step(d);

    // RT-3: completing CUT reaches the split: the root is `split`, two children ready on the branches.
    d = decide(family, act('complete', 'CUT', { qty: 1 }), ctx);
    expect(d).toEqual({
      kind: 'applied',
      family: piece(
        root('SPLIT-PANELS', 'split'),
        body('EDGE-BODY', 'ready'),
        strap('STITCH-STRAP', 'ready'),
      ),
      addressedKey: ROOT,
      effects: [
        { type: 'split', tokenKey: ROOT, nodeCode: 'SPLIT-PANELS', childKeys: ['k1', 'k2'] },
        { type: 'spawn', tokenKey: 'k1', parentKey: ROOT, nodeCode: 'EDGE-BODY' },
        { type: 'spawn', tokenKey: 'k2', parentKey: ROOT, nodeCode: 'STITCH-STRAP' },
      ],
    });
    family = step(d);

    // TM-10: a scan at EDGE-BODY addresses the body child; start and complete it.
    d = decide(family, act('start', 'EDGE-BODY', { operatorBadge: 'OP-0002' }), ctx);
    expect(d).toMatchObject({ kind: 'applied', addressedKey: 'k1', effects: [] });
    family = step(d);
    expect(family.members).toEqual([
      root('SPLIT-PANELS', 'split'),
      body('EDGE-BODY', 'active', 'OP-0002'),
      strap('STITCH-STRAP', 'ready'),
    ]);
    family = step(decide(family, act('complete', 'EDGE-BODY'), ctx));
    // RT-4: the first child at the join waits for its sibling.
    expect(family.members).toEqual([
      root('SPLIT-PANELS', 'split'),
      body('JOIN-PANELS', 'waiting'),
      strap('STITCH-STRAP', 'ready'),
    ]);

    family = step(decide(family, act('start', 'STITCH-STRAP'), ctx));
    d = decide(family, act('complete', 'STITCH-STRAP'), ctx);
    // RT-4: the second arrival closes both children and the parent goes on, ready at ASSEMBLE.
    expect(d).toEqual({
      kind: 'applied',
      family: piece(root('ASSEMBLE', 'ready'), ...JOINED),
      addressedKey: 'k2',
      effects: [{ type: 'join', tokenKey: ROOT, nodeCode: 'JOIN-PANELS', childKeys: ['k1', 'k2'] }],
    });
    family = step(d);

    family = run(family, [act('start', 'ASSEMBLE'), act('complete', 'ASSEMBLE')], ctx);
    expect(family.members).toEqual([root('QC-FINAL', 'ready'), ...JOINED]);
    family = step(decide(family, act('start', 'QC-FINAL', { operatorBadge: 'OP-0009' }), ctx));

    // TM-4: a QC fail takes the rework edge back to ASSEMBLE, ready there.
    d = decide(family, act('qc_fail', 'QC-FINAL', { data: { reason: 'strap stitching uneven' } }), ctx);
    expect(d).toEqual({
      kind: 'applied',
      family: piece(root('ASSEMBLE', 'ready'), ...JOINED),
      addressedKey: ROOT,
      effects: [],
    });
    family = step(d);

    family = run(
      family,
      [act('start', 'ASSEMBLE'), act('complete', 'ASSEMBLE'), act('start', 'QC-FINAL')],
      ctx,
    );
    // RT-5: a pass with grade A takes the GRADE rule to PACK.
    d = decide(family, act('qc_pass', 'QC-FINAL', { data: { grade: 'A' } }), ctx);
    expect(d).toEqual({
      kind: 'applied',
      family: piece(root('PACK', 'ready'), ...JOINED),
      addressedKey: ROOT,
      effects: [{ type: 'route', tokenKey: ROOT, nodeCode: 'GRADE', to: 'PACK', rule: 'grade = A' }],
    });
    family = step(d);

    // RT-1: past the end node PACK the token is completed, and stays at PACK.
    family = run(family, [act('start', 'PACK'), act('complete', 'PACK')], ctx);
    expect(family).toEqual(piece(root('PACK', 'completed'), ...JOINED));
  });

  it('RT-5: a QC pass with grade B takes the default edge to PACK-OUTLET', () => {
    const ctx = machine(BAG);
    const d = decide(atQc(ctx), act('qc_pass', 'QC-FINAL', { data: { grade: 'B' } }), ctx);
    expect(d).toEqual({
      kind: 'applied',
      family: piece(root('PACK-OUTLET', 'ready'), ...JOINED),
      addressedKey: ROOT,
      effects: [{ type: 'route', tokenKey: ROOT, nodeCode: 'GRADE', to: 'PACK-OUTLET', rule: 'default' }],
    });
  });

  it('RT-4: the join also closes when the strap arrives first', () => {
    const ctx = machine(BAG);
    const family = run(
      afterCut(ctx),
      [
        act('start', 'STITCH-STRAP'),
        act('complete', 'STITCH-STRAP'),
        act('start', 'EDGE-BODY'),
        act('complete', 'EDGE-BODY'),
      ],
      ctx,
    );
    expect(family).toEqual(piece(root('ASSEMBLE', 'ready'), ...JOINED));
  });
});

describe('TM-1 / TM-2 operator transitions', () => {
  it('TM-1, TM-2: start, pause, resume (by another operator) and pause again, each from the status it needs', () => {
    const ctx = machine(BAG);
    let family = newFamily(BAG, CODE);
    family = applied(family, act('start', 'CUT', { operatorBadge: 'OP-0001' }), ctx);
    expect(family).toEqual(piece(root('CUT', 'active', 'OP-0001')));
    family = applied(family, act('pause', 'CUT', { operatorBadge: 'OP-0001' }), ctx);
    expect(family).toEqual(piece(root('CUT', 'paused', 'OP-0001')));
    family = applied(family, act('resume', 'CUT', { operatorBadge: 'OP-0002' }), ctx);
    expect(family).toEqual(piece(root('CUT', 'active', 'OP-0002')));
  });

  it('TM-5, TM-6: bind_component and note change no status; bind records the component serial', () => {
    const ctx = machine(BAG);
    const family = applied(newFamily(BAG, CODE), act('start', 'CUT', { operatorBadge: 'OP-0001' }), ctx);
    expect(
      decide(family, act('bind_component', 'CUT', { data: { componentSerial: 'ZIP-0042' } }), ctx),
    ).toEqual({
      kind: 'applied',
      family,
      addressedKey: ROOT,
      effects: [{ type: 'bind', tokenKey: ROOT, componentSerial: 'ZIP-0042' }],
    });
    expect(decide(family, act('note', 'CUT'), ctx)).toEqual({
      kind: 'applied',
      family,
      addressedKey: ROOT,
      effects: [],
    });
  });
});

describe('TM-8 / PK-1 events that do not fit yet are parked, with the reason in words', () => {
  it('TM-8: a start at EDGE-BODY while the piece is still at CUT is parked NOT_AT_NODE', () => {
    const ctx = machine(BAG);
    expect(decide(newFamily(BAG, CODE), act('start', 'EDGE-BODY'), ctx)).toEqual({
      kind: 'parked',
      addressedKey: ROOT,
      reason: { code: 'NOT_AT_NODE', message: 'BT-0001 is ready at CUT, not at EDGE-BODY yet' },
    });
  });

  it('TM-8, TM-10: a start at ASSEMBLE while the body is on its branch is parked, naming the branch', () => {
    const ctx = machine(BAG);
    expect(decide(afterCut(ctx), act('start', 'ASSEMBLE'), ctx)).toEqual({
      kind: 'parked',
      addressedKey: 'k1',
      reason: {
        code: 'NOT_AT_NODE',
        message: 'BT-0001 (branch EDGE-BODY) is ready at EDGE-BODY, not at ASSEMBLE yet',
      },
    });
  });

  it('TM-8: a complete at CUT before its start is parked WRONG_STATUS', () => {
    const ctx = machine(BAG);
    expect(decide(newFamily(BAG, CODE), act('complete', 'CUT'), ctx)).toEqual({
      kind: 'parked',
      addressedKey: ROOT,
      reason: { code: 'WRONG_STATUS', message: 'Complete needs BT-0001 active at CUT; it is ready' },
    });
  });

  it('TM-8: a resume on the strap while it is active is parked WRONG_STATUS, naming the branch', () => {
    const ctx = machine(BAG);
    const family = applied(afterCut(ctx), act('start', 'STITCH-STRAP'), ctx);
    expect(decide(family, act('resume', 'STITCH-STRAP'), ctx)).toEqual({
      kind: 'parked',
      addressedKey: 'k2',
      reason: {
        code: 'WRONG_STATUS',
        message: 'Resume needs BT-0001 (branch STITCH-STRAP) paused at STITCH-STRAP; it is active',
      },
    });
  });
});

describe('PK-4 a node the family has left for good', () => {
  const joined = (ctx: ReturnType<typeof machine>) =>
    run(
      afterCut(ctx),
      [
        act('start', 'EDGE-BODY'),
        act('complete', 'EDGE-BODY'),
        act('start', 'STITCH-STRAP'),
        act('complete', 'STITCH-STRAP'),
      ],
      ctx,
    );

  it('PK-4: a start at EDGE-BODY after the branches joined is a NODE_PASSED conflict at once, not parked for its window', () => {
    const ctx = machine(BAG);
    expect(decide(joined(ctx), act('start', 'EDGE-BODY'), ctx)).toEqual({
      kind: 'conflict',
      addressedKey: ROOT,
      reason: {
        code: 'NODE_PASSED',
        message:
          'BT-0001 is ready at ASSEMBLE and will not come back to EDGE-BODY; Start there can never apply',
      },
    });
  });

  it('PK-4: a start at ASSEMBLE while the piece is at QC-FINAL is parked: a QC fail sends it back there', () => {
    const ctx = machine(BAG);
    const atQc = run(joined(ctx), [act('start', 'ASSEMBLE'), act('complete', 'ASSEMBLE')], ctx);
    expect(decide(atQc, act('start', 'ASSEMBLE'), ctx)).toMatchObject({
      kind: 'parked',
      reason: { code: 'NOT_AT_NODE' },
    });
  });

  it('PK-4: past the grade decision, a start at the other packing node (or at ASSEMBLE) can never apply', () => {
    const ctx = machine(BAG);
    const atPack = run(
      joined(ctx),
      [
        act('start', 'ASSEMBLE'),
        act('complete', 'ASSEMBLE'),
        act('start', 'QC-FINAL'),
        act('qc_pass', 'QC-FINAL', { data: { grade: 'A' } }),
      ],
      ctx,
    );
    expect(atPack.members[0]).toMatchObject({ nodeCode: 'PACK', status: 'ready' });
    for (const node of ['PACK-OUTLET', 'ASSEMBLE', 'CUT']) {
      expect(decide(atPack, act('start', node), ctx)).toMatchObject({
        kind: 'conflict',
        reason: { code: 'NODE_PASSED' },
      });
    }
  });

  it('PK-4: while one branch waits at the join, the other branch’s node is still ahead of its member', () => {
    const ctx = machine(BAG);
    const bodyWaits = run(afterCut(ctx), [act('start', 'EDGE-BODY'), act('complete', 'EDGE-BODY')], ctx);
    expect(decide(bodyWaits, act('pause', 'STITCH-STRAP'), ctx)).toMatchObject({
      kind: 'parked',
      reason: { code: 'WRONG_STATUS' },
    });
    expect(decide(bodyWaits, act('start', 'EDGE-BODY'), ctx)).toMatchObject({
      kind: 'conflict',
      reason: { code: 'NODE_PASSED' },
    });
  });
});

describe('TM-7 scrap', () => {
  it('TM-7: scrapping the strap scraps the whole family (parent and both children), where each one is', () => {
    const ctx = machine(BAG);
    const family = run(afterCut(ctx), [act('start', 'EDGE-BODY', { operatorBadge: 'OP-0002' })], ctx);
    expect(decide(family, act('scrap', 'STITCH-STRAP'), ctx)).toEqual({
      kind: 'applied',
      family: piece(
        root('SPLIT-PANELS', 'scrapped'),
        body('EDGE-BODY', 'scrapped'),
        strap('STITCH-STRAP', 'scrapped'),
      ),
      addressedKey: 'k2',
      effects: [],
    });
  });

  it('TM-7: scrapping after the join leaves the closed children completed', () => {
    const ctx = machine(BAG);
    expect(applied(atQc(ctx), act('scrap', 'QC-FINAL'), ctx)).toEqual(
      piece(root('QC-FINAL', 'scrapped'), ...JOINED),
    );
  });
});

describe('TM-9 finished tokens absorb', () => {
  const finished = (ctx: MachineContext, how: 'completed' | 'scrapped'): Family =>
    how === 'scrapped'
      ? applied(afterCut(ctx), act('scrap', 'EDGE-BODY'), ctx)
      : run(atQc(ctx), [act('qc_pass', 'QC-FINAL'), act('start', 'PACK'), act('complete', 'PACK')], ctx);

  it('TM-9: on a completed piece, a start at PACK is a TOKEN_FINISHED conflict', () => {
    const ctx = machine(BAG);
    expect(decide(finished(ctx, 'completed'), act('start', 'PACK'), ctx)).toEqual({
      kind: 'conflict',
      addressedKey: ROOT,
      reason: {
        code: 'TOKEN_FINISHED',
        message: 'BT-0001 is already completed at PACK; Start at PACK can never apply',
      },
    });
  });

  it('TM-9: on a scrapped piece, every event but note is a TOKEN_FINISHED conflict at any operation node', () => {
    const ctx = machine(BAG);
    const family = finished(ctx, 'scrapped');
    const tries = [
      act('start', 'EDGE-BODY'),
      act('complete', 'STITCH-STRAP'),
      act('scrap', 'CUT'),
      act('bind_component', 'ASSEMBLE'),
      act('qc_fail', 'QC-FINAL'),
      act('resume', 'PACK'),
    ];
    for (const action of tries) {
      const d = decide(family, action, ctx);
      expect(d.kind, `${action.type} at ${action.nodeCode}`).toBe('conflict');
      expect(d).toMatchObject({
        reason: {
          code: 'TOKEN_FINISHED',
          message: expect.stringContaining('BT-0001 is already scrapped at SPLIT-PANELS'),
        },
      });
    }
  });

  it('TM-6, TM-9: a note on a finished piece is applied and changes nothing', () => {
    const ctx = machine(BAG);
    for (const how of ['completed', 'scrapped'] as const) {
      const family = finished(ctx, how);
      expect(decide(family, act('note', 'PACK'), ctx)).toEqual({
        kind: 'applied',
        family,
        addressedKey: ROOT,
        effects: [],
      });
    }
  });
});

describe('TM-11 rejected at once, whatever the state', () => {
  const rejected = (code: string, message: string) => ({ kind: 'rejected', reason: { code, message } });

  it('TM-11: complete at the QC node QC-FINAL is ACTION_NOT_ALLOWED_HERE, even while the piece is active there', () => {
    const ctx = machine(BAG);
    expect(decide(atQc(ctx), act('complete', 'QC-FINAL'), ctx)).toEqual(
      rejected(
        'ACTION_NOT_ALLOWED_HERE',
        'QC-FINAL is a QC node: record QC pass or QC fail instead of Complete',
      ),
    );
  });

  it('TM-11: qc_pass and qc_fail at CUT are ACTION_NOT_ALLOWED_HERE, even while active there', () => {
    const ctx = machine(BAG);
    const family = applied(newFamily(BAG, CODE), act('start', 'CUT'), ctx);
    expect(decide(family, act('qc_pass', 'CUT'), ctx)).toEqual(
      rejected('ACTION_NOT_ALLOWED_HERE', 'QC pass is recorded at QC nodes only; CUT is not one'),
    );
    expect(decide(family, act('qc_fail', 'CUT'), ctx)).toEqual(
      rejected('ACTION_NOT_ALLOWED_HERE', 'QC fail is recorded at QC nodes only; CUT is not one'),
    );
  });

  it('TM-11: a node not on the routing is NODE_NOT_SERVED, naming the routing and the node', () => {
    const ctx = machine(BAG);
    expect(decide(newFamily(BAG, CODE), act('start', 'SEW'), ctx)).toEqual(
      rejected('NODE_NOT_SERVED', 'BT-0001 follows routing BAG-TOTE, which has no node SEW'),
    );
  });

  it('TM-11: the split, join and decision nodes are NODE_NOT_SERVED: events are recorded at operation nodes', () => {
    const ctx = machine(BAG);
    const family = afterCut(ctx);
    expect(decide(family, act('note', 'SPLIT-PANELS'), ctx)).toEqual(
      rejected('NODE_NOT_SERVED', 'SPLIT-PANELS is a split node; events are recorded at operation nodes'),
    );
    expect(decide(family, act('start', 'JOIN-PANELS'), ctx)).toEqual(
      rejected('NODE_NOT_SERVED', 'JOIN-PANELS is a join node; events are recorded at operation nodes'),
    );
    expect(decide(family, act('start', 'GRADE'), ctx)).toEqual(
      rejected('NODE_NOT_SERVED', 'GRADE is a decision node; events are recorded at operation nodes'),
    );
  });

  it('TM-11: a piece completed with qty 2 (or 0) is INVALID_EVENT naming qty, even while active', () => {
    const ctx = machine(BAG);
    const family = applied(newFamily(BAG, CODE), act('start', 'CUT'), ctx);
    for (const qty of [2, 0]) {
      expect(decide(family, act('complete', 'CUT', { qty }), ctx)).toEqual(
        rejected('INVALID_EVENT', 'qty: a piece-mode item is completed one at a time (qty 1)'),
      );
    }
  });

  it('TM-11: a rule that is broken is rejected, not a conflict, on a finished piece too', () => {
    const ctx = machine(BAG);
    const scrapped = applied(newFamily(BAG, CODE), act('scrap', 'CUT'), ctx);
    expect(decide(scrapped, act('complete', 'QC-FINAL'), ctx)).toMatchObject({
      kind: 'rejected',
      reason: { code: 'ACTION_NOT_ALLOWED_HERE' },
    });
  });
});

describe('batch mode', () => {
  const batchOf = (qty: number): Family => newFamily(WALLET, 'WL-B-0001', 'batch', qty);
  const wallet = (nodeCode: string, status: TokenStatus, qty: number) =>
    member({ key: 'WL-B-0001/root', code: 'WL-B-0001', nodeCode, status, qty });

  it('TM-3: completing 8 of a batch of 10 carries 8 good pieces on to SEW', () => {
    const ctx = machine(WALLET);
    const family = run(
      batchOf(10),
      [act('start', 'CUT'), act('complete', 'CUT', { qty: 8, data: { scrapQty: 2 } })],
      ctx,
    );
    expect(family).toEqual({ processMode: 'batch', members: [wallet('SEW', 'ready', 8)] });
  });

  it('TM-3: a complete without qty carries the whole batch on', () => {
    const ctx = machine(WALLET);
    const family = run(batchOf(10), [act('start', 'CUT'), act('complete', 'CUT')], ctx);
    expect(family).toEqual({ processMode: 'batch', members: [wallet('SEW', 'ready', 10)] });
  });

  it('TM-3: completing 11 of a batch of 10 is a conflict QTY_EXCEEDS (a qty never grows back)', () => {
    const ctx = machine(WALLET);
    const family = applied(batchOf(10), act('start', 'CUT'), ctx);
    expect(decide(family, act('complete', 'CUT', { qty: 11 }), ctx)).toEqual({
      kind: 'conflict',
      addressedKey: 'WL-B-0001/root',
      reason: { code: 'QTY_EXCEEDS', message: 'Complete of 11 exceeds the 10 pieces of WL-B-0001' },
    });
  });

  it('TM-11: a batch completed with qty 0 is INVALID_EVENT', () => {
    const ctx = machine(WALLET);
    const family = applied(batchOf(10), act('start', 'CUT'), ctx);
    expect(decide(family, act('complete', 'CUT', { qty: 0 }), ctx)).toEqual({
      kind: 'rejected',
      reason: {
        code: 'INVALID_EVENT',
        message: 'qty: a batch goes on with at least 1 good piece; record Scrap when nothing is left',
      },
    });
  });

  it('RT-3, RT-4: a BAG-TOTE batch splits with its qty and joins with the smallest branch qty', () => {
    const ctx = machine(BAG);
    const family = run(
      newFamily(BAG, CODE, 'batch', 10),
      [
        act('start', 'CUT'),
        act('complete', 'CUT', { qty: 9 }),
        act('start', 'EDGE-BODY'),
        act('complete', 'EDGE-BODY', { qty: 7 }),
        act('start', 'STITCH-STRAP'),
      ],
      ctx,
    );
    expect(family.members.map((m) => [m.branch, m.nodeCode, m.status, m.qty])).toEqual([
      [null, 'SPLIT-PANELS', 'split', 9],
      ['EDGE-BODY', 'JOIN-PANELS', 'waiting', 7],
      ['STITCH-STRAP', 'STITCH-STRAP', 'active', 9],
    ]);
    const joined = applied(family, act('complete', 'STITCH-STRAP', { qty: 8 }), ctx);
    expect(joined.members.map((m) => [m.branch, m.nodeCode, m.status, m.qty])).toEqual([
      [null, 'ASSEMBLE', 'ready', 7],
      ['EDGE-BODY', 'JOIN-PANELS', 'completed', 7],
      ['STITCH-STRAP', 'JOIN-PANELS', 'completed', 8],
    ]);
  });
});

describe('the WALLET linear routing', () => {
  it('RG-8, RT-1: a wallet goes CUT -> SEW -> EDGE -> FINISH and is completed at FINISH', () => {
    const ctx = machine(WALLET);
    const seen: string[] = [];
    let family = newFamily(WALLET, 'WL-0001');
    for (const node of ['CUT', 'SEW', 'EDGE', 'FINISH']) {
      family = run(family, [act('start', node), act('complete', node, { qty: 1 })], ctx);
      const [only] = family.members;
      seen.push(`${only?.nodeCode} ${only?.status}`);
    }
    expect(seen).toEqual(['SEW ready', 'EDGE ready', 'FINISH ready', 'FINISH completed']);
    expect(family).toEqual({
      processMode: 'piece',
      members: [member({ key: 'WL-0001/root', code: 'WL-0001', nodeCode: 'FINISH', status: 'completed' })],
    });
  });

  it('TM-4: a qc_fail at a QC node without a rework edge scraps the piece', () => {
    const graph = drawGraph([op('MAKE'), qc('CHECK')], [edge('MAKE', 'CHECK')]);
    expect(validateGraph(graph, TEST_WORK_CENTERS)).toEqual([]);
    const indexed = indexGraph(graph);
    const ctx = machine(indexed);
    const family = run(
      newFamily(indexed, 'P-1'),
      [act('start', 'MAKE'), act('complete', 'MAKE'), act('start', 'CHECK'), act('qc_fail', 'CHECK')],
      ctx,
    );
    expect(family).toEqual({
      processMode: 'piece',
      members: [member({ key: 'P-1/root', code: 'P-1', nodeCode: 'CHECK', status: 'scrapped' })],
    });
  });

  it('RT-5: a decision with no matching rule and no default is a NO_MATCHING_RULE conflict that changes nothing', () => {
    const graph = drawGraph(
      [op('MAKE'), qc('CHECK'), decision('D'), op('SHIP')],
      [edge('MAKE', 'CHECK'), edge('CHECK', 'D'), when('D', 'SHIP', 'grade', 'A')],
    );
    expect(validateGraph(graph, TEST_WORK_CENTERS)).toEqual([]);
    const indexed = indexGraph(graph);
    const ctx = machine(indexed);
    const family = run(
      newFamily(indexed, 'P-1'),
      [act('start', 'MAKE'), act('complete', 'MAKE'), act('start', 'CHECK')],
      ctx,
    );
    expect(decide(family, act('qc_pass', 'CHECK', { data: { grade: 'B' } }), ctx)).toEqual({
      kind: 'conflict',
      addressedKey: 'P-1/root',
      reason: {
        code: 'NO_MATCHING_RULE',
        message: "decision D has no rule matching this event's data and no default edge",
      },
    });
  });
});

describe('TM-12 a supervisor’s manual move', () => {
  it('TM-12: a root moved onto a split branch first passes the split (the other branch is spawned); a branch child cannot leave its branch', () => {
    const ctx = machine(BAG);
    expect(placeMember(newFamily(BAG, CODE), 'EDGE-BODY', 'ready', ctx)).toEqual({
      kind: 'placed',
      family: piece(
        root('SPLIT-PANELS', 'split'),
        body('EDGE-BODY', 'ready'),
        strap('STITCH-STRAP', 'ready'),
      ),
      key: 'k1',
      from: { nodeCode: 'CUT', status: 'ready' },
      effects: [
        { type: 'split', tokenKey: ROOT, nodeCode: 'SPLIT-PANELS', childKeys: ['k1', 'k2'] },
        { type: 'spawn', tokenKey: 'k1', parentKey: ROOT, nodeCode: 'EDGE-BODY' },
        { type: 'spawn', tokenKey: 'k2', parentKey: ROOT, nodeCode: 'STITCH-STRAP' },
      ],
    });
    const split = machine(BAG);
    expect(placeMember(afterCut(split), 'ASSEMBLE', 'ready', split)).toEqual({
      kind: 'refused',
      reason: {
        code: 'MOVE_LEAVES_BRANCH',
        message:
          'BT-0001 (branch EDGE-BODY) cannot be moved out of its split branch to ASSEMBLE; its join closes the branch',
      },
    });
  });

  it('TM-12: a token that has split cannot be moved back before its split while its branches are live', () => {
    const ctx = machine(BAG);
    const placed = placeMember(newFamily(BAG, CODE), 'EDGE-BODY', 'ready', ctx);
    if (placed.kind !== 'placed') throw new Error('setup: expected the move onto the branch to be placed');
    const back = placeMember(placed.family, 'CUT', 'ready', ctx);
    expect(back.kind).toBe('refused');
    if (back.kind === 'refused') {
      expect(back.reason.code).toBe('MOVE_ABANDONS_BRANCHES');
      expect(back.reason.message).toContain('EDGE-BODY, STITCH-STRAP');
    }
  });
});

describe('allowedActions: the buttons a station offers', () => {
  it('TM-1, TM-7, TM-5, TM-6: ready at CUT offers start, scrap, bind_component, note', () => {
    expect(allowedActions(root('CUT', 'ready'), BAG)).toEqual(['start', 'scrap', 'bind_component', 'note']);
  });

  it('TM-2, TM-3: active at CUT offers pause, complete, scrap, bind_component, note (no QC buttons)', () => {
    expect(allowedActions(root('CUT', 'active', 'OP-1'), BAG)).toEqual([
      'pause',
      'complete',
      'scrap',
      'bind_component',
      'note',
    ]);
  });

  it('TM-2, TM-4: active at QC-FINAL offers pause, qc_pass, qc_fail, scrap, bind_component, note (no complete)', () => {
    expect(allowedActions(root('QC-FINAL', 'active', 'OP-1'), BAG)).toEqual([
      'pause',
      'qc_pass',
      'qc_fail',
      'scrap',
      'bind_component',
      'note',
    ]);
  });

  it('TM-2: paused at EDGE-BODY offers resume, scrap, bind_component, note', () => {
    expect(allowedActions(body('EDGE-BODY', 'paused', 'OP-1'), BAG)).toEqual([
      'resume',
      'scrap',
      'bind_component',
      'note',
    ]);
  });

  it('TM-8, TM-9: waiting, split, completed and scrapped members offer only note', () => {
    expect(allowedActions(body('JOIN-PANELS', 'waiting'), BAG)).toEqual(['note']);
    expect(allowedActions(root('SPLIT-PANELS', 'split'), BAG)).toEqual(['note']);
    expect(allowedActions(root('PACK', 'completed'), BAG)).toEqual(['note']);
    expect(allowedActions(root('CUT', 'scrapped'), BAG)).toEqual(['note']);
  });

  it('TM-10: every offered action applies when sent at the member’s node (no button leads to a park or a reject)', () => {
    const ctx = machine(BAG);
    const family = run(afterCut(ctx), [act('start', 'EDGE-BODY')], ctx);
    for (const m of family.members.filter((x) => x.status !== 'split')) {
      expect(addressedMember(family, m.nodeCode, BAG).key).toBe(m.key);
      for (const type of allowedActions(m, BAG)) {
        expect(
          decide(family, act(type, m.nodeCode), machine(BAG, 'x')).kind,
          `${type} at ${m.nodeCode}`,
        ).toBe('applied');
      }
    }
  });
});
