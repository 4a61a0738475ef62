/**
 * The station view model: the cached snapshot with the local overlay, the outbox's figures and when
 * it last moved (the stall alarm), a snapshot pulled through the station's fetch, what another tab
 * changed; and the recorder's "Record again" and "Discard" on refused events.
 */
import { describe, expect, it } from 'vitest';
import type { StationFetch, StationResult } from '../../client/net/station-fetch';
import { en } from '../../client/i18n/en';
import { applyResults } from '../../client/outbox/outbox-rules';
import { loadCachedSnapshot, saveCachedSnapshot } from '../../client/station/snapshot-cache';
import { MemoryStorage, settle, station, stationSnapshot, token } from './support/station-fixture';

describe('the station view model', () => {
  it('ST-4, ST-7: opens with the cached snapshot and the overlay kept in storage; a damaged overlay entry is dropped', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'scan-station.local-overlay',
      JSON.stringify({
        '1': { seq: 4, token: token(1, { status: 'active' }) },
        '2': { seq: 5, token: null },
        '3': 'junk',
      }),
    );
    const s = station({ storage });
    expect(s.view.get().tokens.map((t) => [t.id, t.status])).toEqual([
      [1, 'active'],
      [3, 'ready'],
      [4, 'ready'],
    ]);
    expect(s.view.get().pending).toBeNull(); // not "0 pending" before the outbox was read
    expect(station({ snapshot: null, storage: new MemoryStorage() }).view.get().tokens).toEqual([]);
  });

  it('ST-2: the screen never says "recorded" beside the pending count from before', async () => {
    const s = station();
    await s.view.open();
    expect(s.view.get().pending).toBe(0);
    const pendingWhenTold: (number | null)[] = [];
    s.feedback.subscribe(() => pendingWhenTold.push(s.view.get().pending));
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:START');
    await settle();
    expect(s.feedback.get().message?.text(en)).toBe(en.card.recorded({ action: 'Start', code: 'BV-1' }));
    expect(pendingWhenTold.slice(-1)).toEqual([1]);
  });

  it('ST-1: offers the actions the state machine allows a token here', () => {
    const s = station();
    expect(s.view.actionsFor(token(1))).toEqual(['start', 'scrap', 'bind_component', 'note']);
    expect(s.view.actionsFor(token(1, { routing: 'UNKNOWN' }))).toEqual([]);
  });

  it('SY-7: once everything is delivered the overlay goes, and a pulled snapshot says what is true; a failed pull changes nothing', async () => {
    let answer: StationResult<unknown> = {
      ok: true,
      value: stationSnapshot({
        cursor: '2.1',
        full: false,
        tokens: [token(1, { status: 'active', operator: 'OP-1' })],
        removed: [2],
      }),
    };
    const asked: (Record<string, string> | undefined)[] = [];
    // The edge server's answer, read through the request's own schema as stationFetch reads it.
    const fetch: StationFetch = (request) => {
      asked.push(request.query);
      if (!answer.ok) return Promise.resolve(answer);
      const parsed = request.answer.safeParse(answer.value);
      if (!parsed.success) throw new Error('the fake answer does not match the schema');
      return Promise.resolve({ ok: true, value: parsed.data });
    };
    const s = station({ fetch });
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:START');
    await settle();
    expect(Object.keys(s.view.get().overlay)).toEqual(['1']);
    const [queued] = await s.outbox.queued();
    await s.outbox.update(applyResults([queued!], [{ id: queued!.id, status: 'applied' }], 'now').entries);

    expect(await s.view.pullSnapshot()).toMatchObject({ ok: true });
    expect(asked).toEqual([{ since: '1.1' }]);
    await s.view.delivered();
    expect(s.view.get().overlay).toEqual({});
    expect(s.view.get().tokens.map((t) => [t.id, t.status])).toEqual([
      [1, 'active'],
      [3, 'ready'],
      [4, 'ready'],
    ]);
    expect(loadCachedSnapshot(s.storage)?.cursor).toBe('2.1');

    answer = { ok: false, problem: { kind: 'network', message: 'offline' } };
    expect(await s.view.pullSnapshot()).toEqual(answer);
    expect(loadCachedSnapshot(s.storage)?.cursor).toBe('2.1');
    expect(s.view.get().tokens).toHaveLength(3);
  });

  it('SY-7: another tab’s snapshot and outbox are shown when it says so', async () => {
    const s = station();
    saveCachedSnapshot(s.storage, stationSnapshot({ cursor: '7.1', tokens: [token(9)] }));
    await s.outbox.record({ ...draftFor('BV-9'), id: '00000000-0000-7000-8000-00000000aaaa' }, 'now');
    await s.view.changedElsewhere();
    expect(s.view.get().tokens.map((t) => t.id)).toEqual([9]);
    expect(s.view.get().pending).toBe(1);
  });

  it('SY-10: the stall alarm rings when events wait online and the outbox has not moved for 3 minutes; it clears once it moves', async () => {
    const s = station();
    await s.outbox.record(draftFor('BV-1'), 'now');
    await s.view.open();
    expect(s.view.get().pending).toBe(1);
    s.clock.nowMs += 3 * 60_000 - 1;
    s.view.tick();
    expect(s.view.stalledMinutes(true)).toBeNull();
    s.clock.nowMs += 1;
    s.view.tick();
    expect(s.view.stalledMinutes(true)).toBe(3);
    expect(s.view.stalledMinutes(false)).toBeNull();
    await s.view.showOutbox(); // the same figure again is no movement
    expect(s.view.stalledMinutes(true)).toBe(3);
    await s.view.delivered();
    expect(s.view.stalledMinutes(true)).toBeNull();
  });

  it('ST-5, OB-4: Record again re-queues a refused event under a new id; Discard drops one; asked of an event that is not refused, it says so', async () => {
    const s = station();
    const first = await s.outbox.record(draftFor('BV-1'), 'now');
    const second = await s.outbox.record(draftFor('BV-2'), 'now');
    if (!first.ok || !second.ok) throw new Error('not recorded');
    const reason = { code: 'NOT_AT_NODE', message: 'not here' };
    await s.outbox.update(
      applyResults(
        [first.value, second.value],
        [
          { id: first.value.id, status: 'rejected', reason },
          { id: second.value.id, status: 'rejected', reason },
        ],
        'then',
      ).entries,
    );
    await s.recorder.recordAgain(first.value.id);
    expect((await s.outbox.queued()).map((e) => [e.event.code, e.seq])).toEqual([['BV-1', 3]]);
    await s.recorder.discard(second.value.id);
    expect(s.view.get()).toMatchObject({ pending: 1, refused: [] });
    expect(s.sync.outboxChanged).toHaveBeenCalledTimes(2);
    await s.recorder.discard(second.value.id);
    expect(s.feedback.get().message).toMatchObject({ kind: 'refused' });
    expect(s.feedback.get().message?.text(en)).toBe('This event is no longer refused: nothing to do.');
  });
});

function draftFor(code: string) {
  return {
    id: `00000000-0000-7000-8000-${code.replace(/\D/g, '').padStart(12, '0')}`,
    type: 'note' as const,
    code,
    nodeCode: 'CUT',
    operatorBadge: 'OP-1',
    occurredAt: '2026-11-22T09:00:00.000Z',
  };
}
