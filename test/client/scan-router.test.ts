/**
 * What a scan means (scan/scan-router.ts, pure), and the scan router model doing it: cards,
 * choices, command barcodes, badges, recording, and the card closing when the station locks.
 */
import { describe, expect, it } from 'vitest';
import type { ScanContext } from '../../client/scan/scan-router';
import { routeScan } from '../../client/scan/scan-router';
import { GS } from '../../client/scan/gs1';
import { emptyMemoryOutbox, MemoryOutbox } from '../../client/outbox/memory-outbox';
import { settle, station, token } from './support/station-fixture';

const operators = [
  { badge: 'OP-1', name: 'Ana', pinHash: null },
  { badge: 'OP-6', name: 'Pia', pinHash: 'pbkdf2-sha256$1$c2FsdA$aGFzaA' },
];
const ready = token(1);
const active = token(2, { status: 'active', operator: 'OP-1' });

function context(fields: Partial<ScanContext> = {}): ScanContext {
  return {
    active: 'OP-1',
    signedInCount: 1,
    card: null,
    operators,
    tokens: [
      ready,
      active,
      token(3, { branch: 'EDGE-BODY' }),
      token(4, { code: 'BV-3', branch: 'STITCH-STRAP' }),
    ],
    ...fields,
  };
}

describe('what a scan means', () => {
  it('SC-6, SC-2: a token’s code opens its card; a GS1 string is read for its serial; a code here twice asks which one; an unknown code is refused', () => {
    expect(routeScan('BV-1', context())).toEqual({ kind: 'open', token: ready, ask: null });
    expect(routeScan(`]d20109501101530003${GS}21BV-2`, context())).toEqual({
      kind: 'open',
      token: active,
      ask: null,
    });
    expect(routeScan('BV-3', context())).toEqual({
      kind: 'choose',
      tokens: [token(3, { branch: 'EDGE-BODY' }), token(4, { code: 'BV-3', branch: 'STITCH-STRAP' })],
    });
    expect(routeScan('BV-99', context())).toEqual({
      kind: 'refuse',
      text: 'BV-99 is not waiting at this station',
    });
  });

  it('SC-6, ST-3: a known badge signs in, also while the station is locked; other codes are refused while nobody is active', () => {
    expect(routeScan('OP-6', context({ active: null }))).toEqual({ kind: 'badge', operator: operators[1] });
    expect(routeScan('OP-1', context())).toEqual({ kind: 'badge', operator: operators[0] });
    expect(routeScan('BV-1', context({ active: null }))).toEqual({
      kind: 'refuse',
      text: 'The station is locked: scan your badge',
    });
    expect(routeScan('OP-404', context({ active: null, signedInCount: 0 }))).toEqual({
      kind: 'refuse',
      text: 'Badge OP-404 is not known here',
    });
  });

  it('SC-4: a command acts on the open card: recorded when the state allows it, opened on its question when it needs a detail, refused otherwise', () => {
    const card = { token: active, actions: ['pause', 'complete', 'note'] as const };
    expect(routeScan('CMD:COMPLETE', context({ card }))).toEqual({
      kind: 'record',
      token: active,
      action: 'complete',
    });
    expect(routeScan('cmd:note', context({ card }))).toEqual({ kind: 'open', token: active, ask: 'note' });
    expect(routeScan('CMD:START', context({ card }))).toEqual({
      kind: 'refuse',
      text: 'Start is not possible for BV-2 (active at CUT)',
    });
    expect(routeScan('CMD:PAUSE', context())).toEqual({
      kind: 'refuse',
      text: 'Scan a token first, then Pause',
    });
  });

  it('SC-4, ST-3: lock and close commands, and any command while nobody is active', () => {
    expect(routeScan('CMD:LOCK', context())).toEqual({ kind: 'lock' });
    expect(routeScan('CMD:CLOSE', context())).toEqual({ kind: 'close-card' });
    expect(routeScan('CMD:START', context({ active: null }))).toEqual({
      kind: 'refuse',
      text: 'Scan your badge first',
    });
    // An unknown command is no command: it is looked up as a code.
    expect(routeScan('CMD:LAUNCH', context())).toEqual({
      kind: 'refuse',
      text: 'CMD:LAUNCH is not waiting at this station',
    });
  });
});

describe('the scan router model', () => {
  it('SC-6, SC-4, ST-4: badge, token, command: signs in, opens the card, records the command and closes the card', async () => {
    const s = station();
    s.router.scan('OP-1');
    expect(s.session.active()).toEqual({ badge: 'OP-1', name: 'Ana' });
    s.router.scan('BV-1');
    expect(s.router.get()).toEqual({ selected: token(1), choices: [], pendingAction: null });
    s.router.scan('CMD:START');
    await settle();
    expect(s.feedback.get().message).toEqual({ kind: 'recorded', text: 'Start BV-1: recorded' });
    expect(s.signal).toHaveBeenLastCalledWith('recorded');
    expect(s.router.get().selected).toBeNull();
    expect(
      (await s.outbox.queued()).map((e) => [
        e.event.type,
        e.event.code,
        e.event.nodeCode,
        e.event.operatorBadge,
      ]),
    ).toEqual([['start', 'BV-1', 'CUT', 'OP-1']]);
    // The local view shows what the state machine made of it until it is delivered.
    expect(s.view.get().tokens.find((t) => t.id === 1)).toMatchObject({ status: 'active', operator: 'OP-1' });
    expect(s.view.get().pending).toBe(1);
    expect(s.sync.outboxChanged).toHaveBeenCalledTimes(1);
  });

  it('SC-4, ST-1: a command that needs a detail opens the card on its question; the card records it with the detail', async () => {
    const s = station();
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:NOTE');
    expect(s.router.get()).toEqual({ selected: token(1), choices: [], pendingAction: 'note' });
    await s.router.record(token(1), 'note', { text: 'thread colour checked' });
    expect(s.router.get()).toEqual({ selected: null, choices: [], pendingAction: null });
    expect((await s.outbox.queued()).map((e) => e.event.data)).toEqual([{ text: 'thread colour checked' }]);
  });

  it('SC-6: a code here twice offers the choice; choosing opens that card', () => {
    const s = station();
    s.router.scan('OP-1');
    s.router.scan('BV-3');
    expect(s.router.get().choices.map((t) => t.branch)).toEqual(['EDGE-BODY', 'STITCH-STRAP']);
    s.router.open(token(4, { code: 'BV-3', branch: 'STITCH-STRAP' }));
    expect(s.router.get()).toMatchObject({ choices: [], selected: { id: 4 } });
  });

  it('ST-2, ST-3: refusals are said with the refused tone; locking closes the card and the choices', () => {
    const s = station();
    s.router.scan('BV-1');
    expect(s.feedback.get().message).toEqual({ kind: 'refused', text: 'Badge BV-1 is not known here' });
    expect(s.signal).toHaveBeenLastCalledWith('refused');
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:COMPLETE');
    expect(s.feedback.get().message?.text).toBe('Complete is not possible for BV-1 (ready at CUT)');
    s.router.scan('CMD:LOCK');
    expect(s.session.get().session.active).toBeNull();
    expect(s.router.get().selected).toBeNull();
    s.router.scan('OP-1');
    s.router.scan('BV-3');
    s.session.lock();
    expect(s.router.get().choices).toEqual([]);
  });

  it('SC-3, ST-2, OB-8: the same code and action within 1.5 s is one scan; recording offline says so; a full storage refuses loudly', async () => {
    const s = station();
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:START');
    await settle();
    s.router.scan('BV-1');
    s.router.scan('CMD:NOTE');
    s.clock.nowMs += 500;
    await s.router.record(token(1), 'start');
    expect(s.feedback.get().message).toEqual({ kind: 'duplicate', text: 'Start BV-1 was just recorded' });
    expect(s.signal).toHaveBeenLastCalledWith('duplicate');
    expect(await s.outbox.pendingCount()).toBe(1);

    s.clock.online = false;
    s.router.scan('BV-2');
    s.router.scan('CMD:START');
    await settle();
    expect(s.feedback.get().message?.text).toBe('Start BV-2: recorded offline');
    expect(s.signal).toHaveBeenLastCalledWith('recorded-offline');

    const full = station({ outbox: new MemoryOutbox(emptyMemoryOutbox(0)) });
    full.router.scan('OP-1');
    full.router.scan('BV-1');
    full.router.scan('CMD:START');
    await settle();
    expect(full.feedback.get().message).toEqual({
      kind: 'refused',
      text: 'The tablet’s storage is full: scans cannot be recorded. Sync, then free space.',
    });
    expect(full.router.get().selected).toMatchObject({ id: 1 }); // the card stays open
  });
});
