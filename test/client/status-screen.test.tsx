// @vitest-environment happy-dom
/**
 * The station screen's status and outcomes as an operator meets them: the band tells offline from
 * "server unreachable" and shows how many scans wait; an outcome shows its time and clears after a
 * few seconds (the model's clock, driven here); a refusal that arrives with a later sync raises its
 * own red banner in the operator's language, with the refusal tone, and the "recorded" message goes;
 * recent events are in words.
 */
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from '../../client/i18n/en';
import { languages } from '../../client/i18n/language';
import { th } from '../../client/i18n/th';
import type { FeedbackClock } from '../../client/models/feedback-model';
import { FeedbackModel, MESSAGE_SHOWN_MS } from '../../client/models/feedback-model';
import type { StationViewModel } from '../../client/models/station-view-model';
import { announceLateRefusals } from '../../client/models/station-view-model';
import type { StoredEntry } from '../../client/outbox/outbox';
import { applyResults } from '../../client/outbox/outbox-rules';
import { useModel } from '../../client/state/use-model';
import type { SyncStatus } from '../../client/sync/push-engine';
import { RecentEvents } from '../../client/ui/recent-events';
import { MessageLine, RefusalBanner } from '../../client/ui/station-notices';
import { StatusBar } from '../../client/ui/status-bar';
import { idleSync } from './support/screen-fixtures';
import { settle, station } from './support/station-fixture';

afterEach(async () => {
  cleanup();
  await act(() => languages.use('en'));
});

const idle = idleSync;

/** A clock whose timers run only when the test moves it on. */
class TestClock implements FeedbackClock {
  nowMs = Date.parse('2026-11-22T09:15:30.000Z');
  private timers: { at: number; run: () => void }[] = [];
  now = () => this.nowMs;
  later = (ms: number, run: () => void) => {
    const timer = { at: this.nowMs + ms, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };
  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.timers.filter((t) => t.at <= this.nowMs);
    this.timers = this.timers.filter((t) => t.at > this.nowMs);
    for (const t of due) t.run();
  }
}

function Outcome({ feedback }: { feedback: FeedbackModel }) {
  return <MessageLine message={useModel(feedback).message} />;
}

function TopOfScreen({ view, feedback }: { view: StationViewModel; feedback: FeedbackModel }) {
  const { lateRefused } = useModel(view);
  return (
    <>
      <RefusalBanner entries={lateRefused} onDismiss={() => view.acknowledgeRefusals()} />
      <Outcome feedback={feedback} />
    </>
  );
}

describe('the status band', () => {
  function band(state: { online: boolean; noAnswer: boolean; push?: SyncStatus }, pending: number) {
    render(
      <StatusBar
        online={state.online}
        noAnswer={state.noAnswer}
        status={state.push ?? idle}
        pending={pending}
        stationName="WC-CUT-1"
        onSyncNow={() => undefined}
      />,
    );
    return {
      state: screen.getByTestId('status').dataset['state'],
      word: screen.getByTestId('connection').textContent,
      pending: screen.getByTestId('pending').textContent,
    };
  }

  it('ST-15: online and all sent, offline, and server unreachable (network up, no answer) are three different states with the pending count', () => {
    expect(band({ online: true, noAnswer: false }, 0)).toEqual({
      state: 'online',
      word: 'Online',
      pending: 'Nothing waiting',
    });
    cleanup();
    expect(band({ online: false, noAnswer: true }, 1)).toEqual({
      state: 'offline',
      word: 'Offline',
      pending: '1 scan waiting to send',
    });
    cleanup();
    const waiting: SyncStatus = {
      ...idle,
      state: 'waiting',
      lastProblem: { kind: 'network', message: 'no answer within 15 s' },
      nextAttemptAt: '2026-11-22T09:16:00.000Z',
    };
    expect(band({ online: true, noAnswer: true, push: waiting }, 3)).toEqual({
      state: 'unreachable',
      word: 'Server unreachable',
      pending: '3 scans waiting to send',
    });
    expect(screen.getByTestId('status').textContent).toContain('the server does not answer');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('WC-CUT-1');
    expect(screen.getByRole('button', { name: 'Sync now' })).toBeTruthy();
  });

  it('ST-13, ST-14: speaks Thai, with the last sync time in the Gregorian calendar', async () => {
    await act(() => languages.use('th'));
    render(
      <StatusBar
        online
        noAnswer
        status={{ ...idle, lastSuccessAt: '2026-11-22T09:15:30.000Z' }}
        pending={3}
        stationName="WC-CUT-1"
        onSyncNow={() => undefined}
      />,
    );
    expect(screen.getByTestId('connection').textContent).toBe('ติดต่อเซิร์ฟเวอร์ไม่ได้');
    expect(screen.getByTestId('pending').textContent).toBe('รอส่ง 3 รายการ');
    expect(screen.getByTestId('last-sync').textContent).toMatch(/^ซิงก์ล่าสุด \d\d:\d\d:\d\d$/);
    expect(screen.getByRole('button', { name: 'ซิงก์ตอนนี้' })).toBeTruthy();
  });
});

describe('outcomes', () => {
  it('ST-16: an outcome shows its kind and time, and clears after a few seconds; a new one starts its own time', async () => {
    const clock = new TestClock();
    const feedback = new FeedbackModel(vi.fn(), clock);
    render(<Outcome feedback={feedback} />);
    await act(() =>
      feedback.tell('recorded', (t) => t.card.recorded({ action: 'Start', code: 'BV-1' }), 'recorded'),
    );
    const shown = screen.getByTestId('message');
    expect(shown.dataset['kind']).toBe('recorded');
    expect(shown.closest('[role="status"]')).toBeTruthy();
    expect(shown.textContent).toContain(en.card.recorded({ action: 'Start', code: 'BV-1' }));
    expect(shown.textContent).toMatch(/at \d\d:\d\d:\d\d$/);
    await act(() => clock.advance(MESSAGE_SHOWN_MS - 1000));
    await act(() => feedback.say('duplicate', (t) => t.card.justRecorded({ action: 'Start', code: 'BV-1' })));
    await act(() => clock.advance(1000));
    expect(screen.getByTestId('message').dataset['kind']).toBe('duplicate'); // its own six seconds
    await act(() => clock.advance(MESSAGE_SHOWN_MS));
    expect(screen.queryByTestId('message')).toBeNull();
    await act(() => feedback.tell('refused', (t) => t.status.cameraFailed, 'refused'));
    expect(screen.getByRole('alert').textContent).toContain(en.status.cameraFailed);
  });

  it('ST-17, ST-14: a refusal that arrives with a later sync raises a red banner in Thai with the reason by its code, the refusal tone, and the "recorded" message goes', async () => {
    const s = station();
    const stop = announceLateRefusals(s.view, s.feedback);
    await s.view.open();
    await act(() => languages.use('th'));
    render(<TopOfScreen view={s.view} feedback={s.feedback} />);
    s.router.scan('OP-1');
    s.router.scan('BV-1');
    s.router.scan('CMD:START');
    await act(settle);
    expect(screen.getByTestId('message').dataset['kind']).toMatch(/^recorded/);
    const [queued] = await s.outbox.queued();
    if (!queued) throw new Error('not recorded');
    const refusal = { code: 'TOKEN_FINISHED', message: 'token 1 is completed' };
    await s.outbox.update(
      applyResults([queued], [{ id: queued.id, status: 'rejected', reason: refusal }], 'then').entries,
    );
    s.signal.mockClear();
    await act(() => s.view.showOutbox());
    const banner = screen.getByTestId('refusal-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain(th.reasons.TOKEN_FINISHED);
    expect(banner.textContent).toContain(
      th.status.refusedBanner.line({ action: th.words.action.start, serial: 'BV-1' }),
    );
    expect(banner.textContent).not.toContain('token 1 is completed');
    expect(s.signal).toHaveBeenCalledWith('refused');
    expect(screen.queryByTestId('message')).toBeNull();
    await act(() => s.view.showOutbox()); // the next read is not news
    expect(s.signal).toHaveBeenCalledTimes(1);
    await act(() => screen.getByRole('button', { name: th.status.refusedBanner.dismiss }).click());
    expect(screen.queryByTestId('refusal-banner')).toBeNull();
    stop();
  });
});

describe('recent events', () => {
  const entry: StoredEntry = {
    id: 'e-1',
    seq: 4,
    schemaVersion: 1,
    queuedAt: '2026-11-22T08:00:00.000Z',
    stateKind: 'delivered',
    state: {
      kind: 'delivered',
      result: 'parked',
      token: null,
      reason: { code: 'NOT_AT_NODE', message: 'token 1 is at CUT' },
      at: 'now',
    },
    event: {
      id: 'e-1',
      seq: 4,
      type: 'complete',
      code: 'BV-7',
      nodeCode: 'SEW',
      operatorBadge: 'OP-0001',
      occurredAt: '2026-11-22T08:00:00.000Z',
    },
  };

  it('ST-13, OB-7: actions and states in words, in the operator’s language, never enum values', async () => {
    await act(() => languages.use('th'));
    render(
      <RecentEvents
        entries={[entry, { ...entry, id: 'e-2', stateKind: 'queued', state: { kind: 'queued' } }]}
      />,
    );
    const [parked, queued] = screen.getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(parked).toContain('เสร็จ BV-7 ที่ SEW โดย OP-0001');
    expect(parked).toContain(`พักไว้ก่อน: ${th.reasons.NOT_AT_NODE}`);
    expect(parked).not.toMatch(/parked|complete|token 1/);
    expect(queued).toContain('รอส่ง');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('การสแกนล่าสุด');
  });
});
