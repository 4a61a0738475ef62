/**
 * What a scan means (scan/scan-router.ts, pure), and the scan router model doing it: cards,
 * choices, command barcodes, badges, recording, and the card closing when the station locks.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../client/i18n/en';
import type { FeedbackModel } from '../../client/models/feedback-model';
import type { ScanContext } from '../../client/scan/scan-router';
import { routeScan as decide } from '../../client/scan/scan-router';
import { GS } from '../../client/scan/gs1';
import { ScanRouterModel } from '../../client/models/scan-router-model';
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

/** The route, with a refusal's words in English. */
function routeScan(text: string, scanContext: ScanContext) {
  const route = decide(text, scanContext);
  return route.kind === 'refuse' ? { kind: 'refuse', text: route.text(en) } : route;
}

/** What the screen says now, in English: kind and words. */
function said(feedback: FeedbackModel) {
  const message = feedback.get().message;
  return message && { kind: message.kind, text: message.text(en) };
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
      text: 'The station is locked: scan your badge first (BV-1 is an item, not a badge)',
    });
    expect(routeScan('BV-1', context({ active: null, signedInCount: 0 }))).toEqual({
      kind: 'refuse',
      text: 'Scan your badge first: BV-1 is an item, not a badge',
    });
    expect(routeScan('OP-404', context({ active: null }))).toEqual({
      kind: 'refuse',
      text: 'The station is locked: scan your badge',
    });
    expect(routeScan('OP-404', context({ active: null, signedInCount: 0 }))).toEqual({
      kind: 'refuse',
      text: 'OP-404 is neither a badge nor an item known here. Scan your badge.',
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
      text: 'Start is not possible for BV-2 (In progress at CUT)',
    });
    expect(routeScan('CMD:PAUSE', context())).toEqual({
      kind: 'refuse',
      text: 'Scan an item first, then Pause',
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
    expect(s.router.get()).toEqual({ selected: token(1), choices: [], pendingAction: null, scrapping: null });
    s.router.scan('CMD:START');
    await settle();
    expect(said(s.feedback)).toEqual({ kind: 'recorded', text: 'Start BV-1: recorded' });
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
    expect(s.router.get()).toEqual({
      selected: token(1),
      choices: [],
      pendingAction: 'note',
      scrapping: null,
    });
    await s.router.record(token(1), 'note', { text: 'thread colour checked' });
    expect(s.router.get()).toEqual({ selected: null, choices: [], pendingAction: null, scrapping: null });
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
    expect(said(s.feedback)).toEqual({
      kind: 'refused',
      text: 'Scan your badge first: BV-1 is an item, not a badge',
    });
    expect(s.signal).toHaveBeenLastCalledWith('refused');
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:COMPLETE');
    expect(said(s.feedback)?.text).toBe('Complete is not possible for BV-1 (Ready at CUT)');
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
    expect(said(s.feedback)).toEqual({ kind: 'duplicate', text: 'Start BV-1 was just recorded' });
    expect(s.signal).toHaveBeenLastCalledWith('duplicate');
    expect(await s.outbox.pendingCount()).toBe(1);

    s.clock.online = false;
    s.router.scan('BV-2');
    s.router.scan('CMD:START');
    await settle();
    expect(said(s.feedback)?.text).toBe('Start BV-2: recorded offline');
    expect(s.signal).toHaveBeenLastCalledWith('recorded-offline');

    const full = station({ outbox: new MemoryOutbox(emptyMemoryOutbox(0)) });
    full.router.scan('OP-1');
    full.router.scan('BV-1');
    full.router.scan('CMD:START');
    await settle();
    expect(said(full.feedback)).toEqual({
      kind: 'refused',
      text: 'The tablet’s storage is full: scans cannot be recorded. Sync, then free space.',
    });
    expect(full.router.get().selected).toMatchObject({ id: 1 }); // the card stays open
  });
});

/** A timer the test runs by hand: each `second()` fires what was due in the next second. */
function fakeTimer() {
  let due: (() => void)[] = [];
  return {
    after: (_ms: number, run: () => void) => {
      due.push(run);
      return () => {
        due = due.filter((r) => r !== run);
      };
    },
    second() {
      const now = due;
      due = [];
      for (const run of now) run();
    },
    get waiting() {
      return due.length;
    },
  };
}

/** The fixture's station with a scan router on a hand-run timer; OP-1 signed in, BV-1's card open. */
function scrapStation() {
  const s = station();
  const timer = fakeTimer();
  const router = new ScanRouterModel({ ...s, after: timer.after });
  router.scan('OP-1');
  router.scan('BV-1');
  return { ...s, router, timer };
}

async function recordedEvents(s: ReturnType<typeof station>) {
  return (await s.outbox.queued()).map((e) => [e.event.type, e.event.code, e.event.operatorBadge]);
}

describe('scrap: confirmed, then a short undo', () => {
  it('SC-4, ST-18: the scrap command opens the card on its confirmation instead of recording', async () => {
    const s = scrapStation();
    s.router.scan('CMD:SCRAP');
    await settle();
    expect(s.router.get()).toMatchObject({ selected: { id: 1 }, pendingAction: 'scrap', scrapping: null });
    expect(await recordedEvents(s)).toEqual([]);
  });

  it('ST-18: a confirmed scrap counts down five seconds and Undo drops it: nothing is written, no seq is used', async () => {
    const s = scrapStation();
    await s.router.record(token(1), 'scrap');
    expect(s.router.get().scrapping).toEqual({ token: token(1), secondsLeft: 5 });
    s.timer.second();
    expect(s.router.get().scrapping?.secondsLeft).toBe(4);
    s.router.undoScrap();
    expect(s.router.get()).toMatchObject({ selected: { id: 1 }, scrapping: null });
    expect(said(s.feedback)).toEqual({ kind: 'info', text: 'Scrap of BV-1 undone: nothing was sent.' });
    expect(s.timer.waiting).toBe(0);
    await settle();
    expect(await recordedEvents(s)).toEqual([]);
    // The next event takes the first seq: the undone scrap left no gap.
    await s.router.record(token(1), 'start');
    expect((await s.outbox.queued()).map((e) => e.event.seq)).toEqual([1]);
  });

  it('ST-18: when the window ends the scrap is recorded once, in the operator’s name, and the card closes', async () => {
    const s = scrapStation();
    await s.router.record(token(1), 'scrap');
    for (let i = 0; i < 5; i++) s.timer.second();
    await settle();
    expect(await recordedEvents(s)).toEqual([['scrap', 'BV-1', 'OP-1']]);
    expect(s.router.get()).toMatchObject({ selected: null, scrapping: null });
    expect(said(s.feedback)).toEqual({ kind: 'recorded', text: 'Scrap BV-1: recorded' });
    s.timer.second();
    await settle();
    expect(await s.outbox.pendingCount()).toBe(1);
  });

  it('ST-18: scanning something else, closing the card or locking records the scrap at once', async () => {
    const scanned = scrapStation();
    await scanned.router.record(token(1), 'scrap');
    scanned.router.scan('BV-2');
    await settle();
    expect(await recordedEvents(scanned)).toEqual([['scrap', 'BV-1', 'OP-1']]);
    expect(scanned.router.get()).toMatchObject({ selected: { id: 2 }, scrapping: null });

    // Scans that come while the scrap is being written keep their order.
    const burst = scrapStation();
    await burst.router.record(token(1), 'scrap');
    burst.router.scan('BV-2');
    burst.router.scan('CMD:START');
    await settle();
    await settle();
    expect(await recordedEvents(burst)).toEqual([
      ['scrap', 'BV-1', 'OP-1'],
      ['start', 'BV-2', 'OP-1'],
    ]);

    const closed = scrapStation();
    await closed.router.record(token(1), 'scrap');
    closed.router.close();
    await settle();
    expect(await recordedEvents(closed)).toEqual([['scrap', 'BV-1', 'OP-1']]);

    const locked = scrapStation();
    await locked.router.record(token(1), 'scrap');
    locked.session.lock();
    await settle();
    // Recorded in the name of the operator who confirmed it, though nobody is active now.
    expect(await recordedEvents(locked)).toEqual([['scrap', 'BV-1', 'OP-1']]);
    expect(locked.router.get()).toMatchObject({ selected: null, scrapping: null });
    expect(locked.timer.waiting).toBe(0);
  });
});
