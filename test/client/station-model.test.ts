/**
 * The station's pure parts: the snapshot cache's delta merge, who is signed in (several operators,
 * one active, inactivity lock, PIN lockout), PINs checked offline against the edge server's own
 * hashes, the local view of undelivered events, the stall watchdog and command barcodes.
 */
import { describe, expect, it } from 'vitest';
import { hashPin } from '../../edge-server/auth/secrets';
import { indexGraph } from '../../shared/routing-graph';
import type { Snapshot, SnapshotToken } from '../../shared/station-api';
import { allCommands, commandText, parseCommand } from '../../client/scan/commands';
import { predictToken, settleOverlay, withOverlay } from '../../client/station/local-view';
import {
  INACTIVITY_LOCK_MS,
  MAX_PIN_FAILURES,
  emptySession,
  loadSession,
  lock,
  lockIfIdle,
  lockedOutFor,
  pinFailed,
  saveSession,
  signIn,
  signOut,
} from '../../client/station/operator-session';
import { verifyPin } from '../../client/station/pin';
import { mergeSnapshot } from '../../client/station/snapshot-cache';
import { STALL_AFTER_MS, stalledMinutes } from '../../client/sync/watchdog';
import { loadGraph } from '../support/shared-fixtures';

function token(id: number, fields: Partial<SnapshotToken> = {}): SnapshotToken {
  return {
    id,
    code: `BV-${id}`,
    branch: null,
    routing: 'BAG-TOTE',
    nodeCode: 'CUT',
    status: 'ready',
    qty: 1,
    processMode: 'piece',
    ticket: 'T-1',
    operator: null,
    statusSince: '2026-11-22T08:00:00.000Z',
    ...fields,
  };
}

function snapshot(fields: Partial<Snapshot>): Snapshot {
  return {
    cursor: '1.1',
    full: true,
    serverTime: '2026-11-22T08:00:00.000Z',
    station: { name: 'CUT-1', workCenter: 'WC-CUT', nodes: [] },
    routings: [],
    operators: [{ badge: 'OP-1', name: 'Ana', pinHash: null }],
    tokens: [],
    removed: [],
    ...fields,
  };
}

class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('snapshot deltas', () => {
  it('SN-2: a delta replaces the tokens that changed, drops the removed ones and keeps the reference data it did not bring', () => {
    const cached = snapshot({ tokens: [token(1), token(2), token(3)] });
    const delta = snapshot({
      cursor: '9.1',
      full: false,
      tokens: [token(2, { status: 'active', operator: 'OP-1' }), token(4)],
      removed: [3],
    });
    delete delta.routings;
    delete delta.operators;
    const merged = mergeSnapshot(cached, delta);
    expect(merged.cursor).toBe('9.1');
    expect(merged.tokens.map((t) => [t.id, t.status])).toEqual([
      [1, 'ready'],
      [2, 'active'],
      [4, 'ready'],
    ]);
    expect(merged.operators).toEqual(cached.operators);
    expect(merged.removed).toEqual([]);
  });

  it('SN-2: a full snapshot replaces the cache, and a delta with reference data replaces it', () => {
    const cached = snapshot({ tokens: [token(1)] });
    expect(mergeSnapshot(cached, snapshot({ tokens: [token(7)] })).tokens.map((t) => t.id)).toEqual([7]);
    const withOperators = mergeSnapshot(
      cached,
      snapshot({ full: false, operators: [{ badge: 'OP-2', name: 'Bo', pinHash: null }], tokens: [] }),
    );
    expect(withOperators.operators?.map((o) => o.badge)).toEqual(['OP-2']);
    expect(withOperators.tokens.map((t) => t.id)).toEqual([1]);
  });
});

describe('operators at a station', () => {
  it('ST-3: several sign in, the last one is active, signing out the active one leaves nobody active', () => {
    let s = signIn(emptySession(), { badge: 'OP-1', name: 'Ana' });
    s = signIn(s, { badge: 'OP-2', name: 'Bo' });
    expect(s.signedIn.map((o) => o.badge)).toEqual(['OP-1', 'OP-2']);
    expect(s.active).toBe('OP-2');
    s = signIn(s, { badge: 'OP-1', name: 'Ana' });
    expect(s.signedIn).toHaveLength(2);
    expect(s.active).toBe('OP-1');
    s = signOut(s, 'OP-1');
    expect(s.active).toBeNull();
    expect(s.signedIn.map((o) => o.badge)).toEqual(['OP-2']);
  });

  it('ST-3: inactivity locks the station (nobody active) but keeps who is signed in', () => {
    const s = signIn(emptySession(), { badge: 'OP-1', name: 'Ana' });
    expect(lockIfIdle(s, 0, INACTIVITY_LOCK_MS - 1).active).toBe('OP-1');
    const locked = lockIfIdle(s, 0, INACTIVITY_LOCK_MS);
    expect(locked.active).toBeNull();
    expect(locked.signedIn).toEqual(s.signedIn);
    expect(lock(s).active).toBeNull();
  });

  it('ST-3: too many wrong PINs lock that badge out for a while; a right PIN clears the count', () => {
    let s = emptySession();
    for (let i = 1; i < MAX_PIN_FAILURES; i++) s = pinFailed(s, 'OP-1', 1000);
    expect(lockedOutFor(s, 'OP-1', 1000)).toBe(0);
    s = pinFailed(s, 'OP-1', 1000);
    expect(lockedOutFor(s, 'OP-1', 1000)).toBeGreaterThan(0);
    expect(lockedOutFor(s, 'OP-2', 1000)).toBe(0);
    expect(lockedOutFor(s, 'OP-1', 1000 + 3_600_000)).toBe(0);
    s = pinFailed(s, 'OP-1', 1000 + 3_600_000);
    s = signIn(s, { badge: 'OP-1', name: 'Ana' });
    expect(s.failures['OP-1']).toBeUndefined();
  });

  it('ST-9: a reload keeps the list but nobody active', () => {
    const storage = new MemoryStorage();
    saveSession(storage, signIn(emptySession(), { badge: 'OP-1', name: 'Ana' }));
    const reloaded = loadSession(storage);
    expect(reloaded.signedIn.map((o) => o.badge)).toEqual(['OP-1']);
    expect(reloaded.active).toBeNull();
    storage.setItem('scan-station.operators', '{broken');
    expect(loadSession(storage)).toEqual(emptySession());
  });
});

describe('PINs checked offline', () => {
  it('ST-3: accepts the PIN the edge server hashed and refuses any other', async () => {
    const stored = hashPin('4711');
    expect(await verifyPin('4711', stored)).toBe(true);
    expect(await verifyPin('4712', stored)).toBe(false);
    expect(await verifyPin('', stored)).toBe(false);
    expect(await verifyPin('4711', 'md5$abc')).toBe(false);
  });
});

describe('the local view of undelivered events', () => {
  const graph = indexGraph(loadGraph('bag-dag'));
  const servesCutOnly = (_routing: string, node: string) => node === 'CUT';
  const servesAssembleAndQc = (_routing: string, node: string) => node === 'ASSEMBLE' || node === 'QC-FINAL';
  const at = '2026-11-22T09:00:00.000Z';

  it('ST-4: Start makes the token active with its operator; Pause pauses it', () => {
    const started = predictToken(
      token(1),
      { type: 'start', operatorBadge: 'OP-1', data: {} },
      graph,
      servesCutOnly,
      at,
    );
    expect(started).toMatchObject({ status: 'active', operator: 'OP-1', nodeCode: 'CUT', statusSince: at });
    const paused = predictToken(
      started as SnapshotToken,
      { type: 'pause', operatorBadge: 'OP-1', data: {} },
      graph,
      servesCutOnly,
      at,
    );
    expect(paused).toMatchObject({ status: 'paused' });
  });

  it('ST-4: Complete moves the token away from a station that does not serve the next node', () => {
    const active = token(1, { status: 'active', operator: 'OP-1' });
    expect(
      predictToken(active, { type: 'complete', operatorBadge: 'OP-1', data: {} }, graph, servesCutOnly, at),
    ).toBeNull();
  });

  it('ST-4: Complete at ASSEMBLE shows the token ready at QC-FINAL when the same station serves both', () => {
    const active = token(1, { nodeCode: 'ASSEMBLE', status: 'active', operator: 'OP-1' });
    expect(
      predictToken(
        active,
        { type: 'complete', operatorBadge: 'OP-1', data: {} },
        graph,
        servesAssembleAndQc,
        at,
      ),
    ).toMatchObject({ nodeCode: 'QC-FINAL', status: 'ready' });
  });

  it('ST-4: an action the machine would not apply predicts nothing (the server decides)', () => {
    expect(
      predictToken(token(1), { type: 'complete', operatorBadge: 'OP-1', data: {} }, graph, servesCutOnly, at),
    ).toBeUndefined();
  });

  it('ST-4, SY-7: the overlay hides or replaces tokens until the events are delivered', () => {
    const tokens = [token(1), token(2), token(3)];
    const overlay = {
      '1': { seq: 4, token: token(1, { status: 'active' }) },
      '2': { seq: 5, token: null },
    };
    expect(withOverlay(tokens, overlay).map((t) => [t.id, t.status])).toEqual([
      [1, 'active'],
      [3, 'ready'],
    ]);
    expect(Object.keys(settleOverlay(overlay, 5))).toEqual(['2']);
    expect(settleOverlay(overlay, null)).toEqual({});
  });
});

describe('the stall watchdog', () => {
  it('SY-10: raises the alarm only when events wait, the network is up and nothing moved for a while', () => {
    const base = { pending: 3, online: true, lastMovedMs: 0 };
    expect(stalledMinutes({ ...base, nowMs: STALL_AFTER_MS - 1 })).toBeNull();
    expect(stalledMinutes({ ...base, nowMs: STALL_AFTER_MS })).toBe(3);
    expect(stalledMinutes({ ...base, online: false, nowMs: 10 * STALL_AFTER_MS })).toBeNull();
    expect(stalledMinutes({ ...base, pending: 0, nowMs: 10 * STALL_AFTER_MS })).toBeNull();
  });
});

describe('command barcodes', () => {
  it('SC-12: every printed command reads back as itself, and serials or badges are not commands', () => {
    for (const { command } of allCommands()) expect(parseCommand(commandText(command))).toEqual(command);
    expect(commandText({ kind: 'action', action: 'qc_fail' })).toBe('CMD:QC_FAIL');
    expect(parseCommand('cmd:start')).toEqual({ kind: 'action', action: 'start' });
    expect(parseCommand('BV-DEMO-0001')).toBeNull();
    expect(parseCommand('CMD:LAUNCH')).toBeNull();
  });
});
