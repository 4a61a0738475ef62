// @vitest-environment happy-dom
/**
 * The exceptions inbox as a supervisor reads and works it (SV-27, SV-28, SV-29): each problem in
 * words from its codes, with its scan, its item now (and its live parts), how long it has been open
 * and who took it up; a reason asked for before anything is sent and a confirmation before a scan is
 * applied or discarded; the outcome on the row; a 409 said in words with who got there first and
 * the list fetched again; "show more" by the server's cursor; the audit log; the page refetching on
 * the live stream's conflict, parked and problem changes only (a fake fetch, a hand-driven clock).
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Problem, ResolveRequest } from '../../shared/exceptions-api';
import type { LiveChange } from '../../shared/live-api';
import type { Answer } from '../../client/console/api';
import type {
  ActionAnswer,
  AuditPage,
  InboxApi,
  InboxFilters,
  ProblemPage,
} from '../../client/console/api/inbox';
import { problemsQuery, refusalOf } from '../../client/console/api/inbox';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import {
  INBOX_REFRESH_MS,
  INBOX_TICK_MS,
  InboxModel,
  reasonProblem,
} from '../../client/console/models/inbox-model';
import { LiveBus } from '../../client/console/models/live-bus';
import type { PageProps } from '../../client/console/page';
import { InboxPage, InboxView } from '../../client/console/views/inbox';
import { formatTime } from '../../client/i18n/format';
import { FakeClock } from './support/fake-clock';

const t = consoleEn.inbox;

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

function conflict(id: number, changes: Partial<Problem> = {}): Problem {
  return {
    kind: 'conflict',
    id,
    code: 'EVENT_CONFLICT',
    message: 'start of WL-0002 at SEW from WC-SEW-1 cannot apply and needs a decision: …',
    reason: { code: 'PARKING_EXPIRED', message: 'Parked too long' },
    openedAt: '2026-12-01T07:48:00Z',
    state: 'open',
    stateBy: null,
    stateAt: null,
    stateReason: null,
    outcome: null,
    actions: ['acknowledge', 'apply', 'discard'],
    event: {
      id: '0190-0000',
      type: 'start',
      code: 'WL-0002',
      nodeCode: 'SEW',
      station: 'WC-SEW-1',
      seq: 4,
      operatorBadge: 'OP-0007',
      occurredAt: '2026-12-01T07:15:00Z',
    },
    token: {
      code: 'WL-0002',
      ticket: 'DEMO-WALLET',
      nodeCode: 'CUT',
      status: 'ready',
      operator: null,
      since: '2026-12-01T07:00:00Z',
      branches: [],
    },
    expiresAt: null,
    attempts: null,
    ...changes,
  };
}

const page = (problems: Problem[], next: string | null = null): ProblemPage => ({
  problems,
  next,
  parkedAlertMinutes: 30,
});

function auditEntry(id: number, changes: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2026-12-01T08:01:00Z',
    by: 'supervisor',
    kind: 'conflict',
    problemId: 7,
    action: 'apply',
    reason: 'Sewn on paper',
    outcome: 'applied',
    detail: { token: { code: 'WL-0002', nodeCode: 'SEW', status: 'active' } },
    ...changes,
  };
}

/** Answers pages in turn (the last one again and again); records every request. */
class FakeInboxApi implements InboxApi {
  asked: { filters: InboxFilters; after: string | null; limit: number }[] = [];
  resolved: { kind: string; id: number; body: ResolveRequest }[] = [];
  acknowledged: number[] = [];
  actionAnswer: ActionAnswer | null = null;
  constructor(
    private readonly pages: ProblemPage[],
    private readonly audits: AuditPage[] = [{ entries: [], next: null }],
  ) {}
  problems(filters: InboxFilters, after: string | null, limit: number): Promise<Answer<ProblemPage>> {
    this.asked.push({ filters, after, limit });
    const next = this.pages.length > 1 ? (this.pages.shift() as ProblemPage) : (this.pages[0] as ProblemPage);
    return Promise.resolve({ ok: true, value: next });
  }
  audit(): Promise<Answer<AuditPage>> {
    const next = this.audits.length > 1 ? (this.audits.shift() as AuditPage) : (this.audits[0] as AuditPage);
    return Promise.resolve({ ok: true, value: next });
  }
  acknowledge(_kind: string, id: number): Promise<ActionAnswer> {
    this.acknowledged.push(id);
    return Promise.resolve(this.actionAnswer as ActionAnswer);
  }
  resolve(kind: string, id: number, body: ResolveRequest): Promise<ActionAnswer> {
    this.resolved.push({ kind, id, body });
    return Promise.resolve(this.actionAnswer as ActionAnswer);
  }
}

const row = (key: string) => document.querySelector(`[data-problem="${key}"]`) as HTMLElement;
const within = (el: HTMLElement, name: string) =>
  [...el.querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;

async function shown(api: FakeInboxApi, clock = new FakeClock('2026-12-01T08:00:00Z')): Promise<InboxModel> {
  const model = new InboxModel(api, () => {}, clock);
  await act(() => model.load());
  render(<InboxView model={model} />);
  return model;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await act(() => Promise.resolve());
}

describe('the exceptions inbox', () => {
  it('SV-27: a problem in words from its codes: the scan, why, the item now with its parts, how long open', async () => {
    const split = conflict(3, {
      token: {
        code: 'BV-0009',
        ticket: 'DEMO-TOTE',
        nodeCode: 'SPLIT-PANELS',
        status: 'split',
        operator: null,
        since: '2026-12-01T07:00:00Z',
        branches: [
          { branch: 'A', nodeCode: 'EDGE-BODY', status: 'active' },
          { branch: 'B', nodeCode: 'STITCH-STRAP', status: 'ready' },
        ],
      },
    });
    await shown(new FakeInboxApi([page([split])]));
    const text = row('conflict:3').textContent ?? '';
    expect(text).toContain(t.kind.conflict);
    expect(text).toContain(t.codes.EVENT_CONFLICT);
    expect(text).toContain('Start of WL-0002 · at step SEW · station WC-SEW-1 · operator OP-0007 · scanned');
    expect(text).toContain(t.reasons.PARKING_EXPIRED);
    expect(text).toContain('Item now: Split into parts at SPLIT-PANELS · ticket DEMO-TOTE');
    expect(text).toContain('Part A: In progress at EDGE-BODY');
    expect(text).toContain('Part B: Ready at STITCH-STRAP');
    expect(text).toContain('Open for 12 min');
    expect(text).toContain(t.state.open);
    expect(text).not.toContain('PARKING_EXPIRED');
    expect(within(row('conflict:3'), t.actions.acknowledge)).toBeTruthy();
    expect(within(row('conflict:3'), t.actions.apply)).toBeTruthy();
    expect(within(row('conflict:3'), t.actions.discard)).toBeTruthy();
  });

  it('SV-27: a parked one says when it turns into a conflict; a dead letter says what the upstream said', async () => {
    const parked = conflict(11, {
      kind: 'parked',
      code: 'EVENT_PARKED_LONG',
      reason: { code: 'NOT_AT_NODE', message: '…' },
      actions: ['acknowledge'],
      expiresAt: '2026-12-02T07:15:00Z',
    });
    const dead = conflict(12, {
      kind: 'dead_letter',
      code: 'UPSTREAM_DEAD_LETTER',
      reason: { code: 'UPSTREAM_REFUSED', message: 'schema mismatch' },
      actions: ['acknowledge', 'resend'],
      attempts: 5,
    });
    await shown(new FakeInboxApi([page([parked, dead])]));
    expect(row('parked:11').textContent).toContain('A scan has waited more than 30 minutes for its item');
    expect(row('parked:11').textContent).toContain('Otherwise it becomes a conflict at');
    expect(within(row('parked:11'), t.actions.apply)).toBeUndefined();
    expect(row('dead_letter:12').textContent).toContain('The upstream system said: schema mismatch');
    expect(row('dead_letter:12').textContent).toContain('failed after 5 attempts');
    expect(within(row('dead_letter:12'), t.actions.resend)).toBeTruthy();
  });

  it('SV-22, SV-27: "I’m on it" acknowledges it: the row says acknowledged by whom and when', async () => {
    const api = new FakeInboxApi([
      page([conflict(7)]),
      page([conflict(7, { state: 'acknowledged', stateBy: 'somchai', stateAt: '2026-12-01T08:00:05Z' })]),
    ]);
    const acknowledged = conflict(7, {
      state: 'acknowledged',
      stateBy: 'somchai',
      stateAt: '2026-12-01T08:00:05Z',
      actions: ['apply', 'discard'],
    });
    api.actionAnswer = {
      ok: true,
      value: { problem: acknowledged, audit: auditEntry(1, { action: 'acknowledge' }) },
    };
    await shown(api);
    fireEvent.click(within(row('conflict:7'), t.actions.acknowledge));
    await settle();
    expect(api.acknowledged).toEqual([7]);
    const time = formatTime('en', '2026-12-01T08:00:05Z');
    expect(row('conflict:7').textContent).toContain(`Acknowledged by somchai at ${time}`);
    expect(row('conflict:7').textContent).toContain(t.notice.acknowledged);
    expect(within(row('conflict:7'), t.actions.acknowledge)).toBeUndefined();
  });

  it('SV-23, SV-27: a reason of at least 3 characters is asked for before sending, then “are you sure?”; the row shows the outcome and the item’s new state', async () => {
    expect(reasonProblem('  ab ')).toBe('short');
    expect(reasonProblem('abc')).toBeNull();
    expect(reasonProblem('x'.repeat(501))).toBe('long');
    const clock = new FakeClock('2026-12-01T08:00:00Z');
    const api = new FakeInboxApi([page([conflict(7)]), page([])]);
    const applied = conflict(7, {
      state: 'resolved',
      stateBy: 'supervisor',
      stateAt: '2026-12-01T08:01:00Z',
      stateReason: 'Sewn on paper',
      outcome: 'applied',
      actions: [],
      token: { ...conflict(7).token!, nodeCode: 'SEW', status: 'active', operator: 'OP-0007' },
    });
    api.actionAnswer = { ok: true, value: { problem: applied, audit: auditEntry(2) } };
    await shown(api, clock);
    fireEvent.click(within(row('conflict:7'), t.actions.apply));
    expect(screen.getByText(t.form.hint({ min: 3 }))).toBeTruthy(); // said before anything is sent
    fireEvent.input(screen.getByLabelText(t.form.reason), { target: { value: ' ok ' } });
    fireEvent.click(within(row('conflict:7'), t.form.next));
    expect(screen.getByRole('alert').textContent).toBe(t.form.short({ min: 3 }));
    expect(api.resolved).toEqual([]);
    fireEvent.input(screen.getByLabelText(t.form.reason), { target: { value: 'Sewn on paper' } });
    fireEvent.click(within(row('conflict:7'), t.form.next));
    expect(row('conflict:7').textContent).toContain(t.form.confirm.apply({ serial: 'WL-0002' }));
    expect(api.resolved).toEqual([]);
    fireEvent.click(within(row('conflict:7'), t.form.yes.apply));
    await settle();
    await act(() => clock.advance(INBOX_REFRESH_MS));
    await settle();
    expect(api.resolved).toEqual([
      { kind: 'conflict', id: 7, body: { action: 'apply', reason: 'Sewn on paper' } },
    ]);
    // The open list no longer has it; it stays in view under "just now" with its outcome.
    const text = row('conflict:7').textContent ?? '';
    expect(text).toContain('Applied anyway. Item now: In progress at SEW.');
    expect(text).toContain(
      `Resolved by supervisor at ${formatTime('en', '2026-12-01T08:01:00Z')}: applied anyway`,
    );
    expect(text).toContain('Reason given: “Sewn on paper”');
    expect(screen.getByText(t.justNow)).toBeTruthy();
    fireEvent.click(within(row('conflict:7'), t.notice.dismiss));
    await settle();
    expect(row('conflict:7')).toBeNull();
    expect(screen.getByText(t.empty.active)).toBeTruthy();
  });

  it('SV-25, SV-28: a 409 is said in words with who resolved it and when; the list is fetched again', async () => {
    const clock = new FakeClock('2026-12-01T08:00:00Z');
    const api = new FakeInboxApi([page([conflict(7)]), page([])]);
    const body = {
      error: {
        code: 'CONFLICT',
        message: 'This conflict was already resolved by admin at 2026-12-01T08:00:30.000Z (discarded)',
        details: [
          {
            state: 'resolved',
            resolvedBy: 'admin',
            resolvedAt: '2026-12-01T08:00:30.000Z',
            outcome: 'discarded',
          },
        ],
      },
    };
    api.actionAnswer = {
      ok: false,
      failure: { status: 409, retryAfterSeconds: null, refusal: refusalOf(body) },
    };
    const model = await shown(api, clock);
    fireEvent.click(within(row('conflict:7'), t.actions.discard));
    fireEvent.input(screen.getByLabelText(t.form.reason), { target: { value: 'Scanned twice' } });
    fireEvent.click(within(row('conflict:7'), t.form.next));
    expect(row('conflict:7').textContent).toContain(t.form.confirm.discard({ serial: 'WL-0002' }));
    // Resolved elsewhere meanwhile: the list no longer has it, but the row being worked stays put.
    model.refresh();
    await act(() => clock.advance(INBOX_REFRESH_MS));
    await settle();
    expect(api.asked.length).toBe(2);
    expect(row('conflict:7').textContent).toContain(t.form.confirm.discard({ serial: 'WL-0002' }));
    fireEvent.click(within(row('conflict:7'), t.form.yes.discard));
    await settle();
    await act(() => clock.advance(INBOX_REFRESH_MS));
    await settle();
    expect(api.asked.length).toBe(3);
    expect(api.resolved).toHaveLength(1);
    expect(screen.getByText(t.justNow)).toBeTruthy();
    const time = formatTime('en', '2026-12-01T08:00:30.000Z');
    expect(row('conflict:7').querySelector('[data-notice]')?.textContent).toBe(
      `Already resolved by admin at ${time} (discarded). Nothing was changed; the list is up to date.`,
    );
  });

  it('SV-22, SV-28: acknowledging one another supervisor has taken up names them', async () => {
    const api = new FakeInboxApi([page([conflict(7)])]);
    const body = {
      error: {
        code: 'CONFLICT',
        message: 'admin acknowledged this conflict at … and is working on it',
        details: [{ state: 'acknowledged', acknowledgedBy: 'admin', acknowledgedAt: '2026-12-01T07:59:00Z' }],
      },
    };
    api.actionAnswer = {
      ok: false,
      failure: { status: 409, retryAfterSeconds: null, refusal: refusalOf(body) },
    };
    await shown(api);
    fireEvent.click(within(row('conflict:7'), t.actions.acknowledge));
    await settle();
    expect(row('conflict:7').textContent).toContain(
      `admin took this up at ${formatTime('en', '2026-12-01T07:59:00Z')} and is working on it.`,
    );
  });

  it('SV-21, SV-27: "show more" asks for the page after the server’s cursor; filters go to the server', async () => {
    const api = new FakeInboxApi([page([conflict(1)], 'CUR1'), page([conflict(2)])]);
    const model = await shown(api);
    expect(screen.getByText(t.shown({ n: 1 }))).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: t.showMore }));
    await settle();
    expect(api.asked.at(-1)).toMatchObject({ after: 'CUR1' });
    expect(row('conflict:2')).toBeTruthy();
    expect(screen.queryByRole('button', { name: t.showMore })).toBeNull();
    await act(() => model.setFilters({ state: 'resolved', kind: 'conflict' }));
    expect(api.asked.at(-1)).toMatchObject({ filters: { state: 'resolved', kind: 'conflict' }, after: null });
    expect(problemsQuery({ state: 'resolved', kind: 'dead_letter' }, 'X', 50)).toBe(
      '?state=resolved&kind=dead_letter&after=X&limit=50',
    );
    expect(problemsQuery({ state: 'active', kind: null }, null, 50)).toBe('?limit=50');
  });

  it('SV-24, SV-27: the audit log tab: who, when, what (with the item after), why and the outcome, newest first', async () => {
    const api = new FakeInboxApi(
      [page([])],
      [
        {
          entries: [
            auditEntry(2),
            auditEntry(1, { action: 'acknowledge', reason: null, outcome: 'acknowledged', detail: null }),
          ],
          next: null,
        },
      ],
    );
    await shown(api);
    fireEvent.click(screen.getByRole('button', { name: t.tabs.audit }));
    await settle();
    const rows = [...document.querySelectorAll('[data-audit]')].map((r) => r.textContent);
    expect(rows[0]).toContain('supervisor');
    expect(rows[0]).toContain('Applied anyway: conflict 7 · item now: In progress at SEW');
    expect(rows[0]).toContain('Sewn on paper');
    expect(rows[0]).toContain('applied anyway');
    expect(rows[1]).toContain('Took up: conflict 7');
    expect(rows[1]).toContain('—');
  });

  it('SV-27: in Thai, the problem and its item read in Thai', async () => {
    consoleLanguage.choose('th');
    await shown(new FakeInboxApi([page([conflict(3)])]));
    const text = row('conflict:3').textContent ?? '';
    expect(text).toContain(consoleTh.inbox.codes.EVENT_CONFLICT);
    expect(text).toContain(consoleTh.inbox.reasons.PARKING_EXPIRED);
    expect(text).toContain('ชิ้นงานตอนนี้: พร้อม ที่ CUT');
    expect(within(row('conflict:3'), consoleTh.inbox.actions.acknowledge)).toBeTruthy();
  });
});

describe('the inbox page on the live stream (SV-29)', () => {
  function change(kind: LiveChange['kind'], cursor: number): LiveChange {
    return {
      cursor,
      kind,
      ref: 7,
      code: kind === 'problem' ? 'conflict' : 'WL-0002',
      node: null,
      status: 'open',
      graph: null,
    };
  }

  it('SV-29: conflict, parked and problem changes fetch the list again (throttled); token changes do not; a minute passing does', async () => {
    const clock = new FakeClock('2026-12-01T08:00:00Z');
    const urls: string[] = [];
    const fetcher = ((url: string) => {
      urls.push(url);
      const body = url.includes('/audit') ? { entries: [], next: null } : page([conflict(7)]);
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    }) as typeof fetch;
    const bus = new LiveBus();
    const props: PageProps = {
      fetcher,
      session: { username: 'supervisor', role: 'supervisor', expiresAt: '2026-12-02T00:00:00Z' },
      bus,
      clock,
      param: null,
      go: () => {},
      signedOut: () => {},
    };
    render(<InboxPage {...props} />);
    await settle();
    const lists = () => urls.filter((u) => u.includes('/supervisor/exceptions')).length;
    expect(lists()).toBe(1);
    expect(row('conflict:7')).toBeTruthy();
    await act(() => bus.publish({ cursor: 5, changes: [change('token', 5)] }));
    await act(() => clock.advance(INBOX_REFRESH_MS));
    await settle();
    expect(lists()).toBe(1);
    for (const [kind, cursor] of [
      ['problem', 6],
      ['conflict', 7],
      ['parked', 8],
    ] as const) {
      await act(() => bus.publish({ cursor, changes: [change(kind, cursor)] }));
      await act(() => clock.advance(INBOX_REFRESH_MS));
      await settle();
    }
    expect(lists()).toBe(4);
    await act(() => bus.reload());
    await act(() => clock.advance(INBOX_REFRESH_MS));
    await settle();
    expect(lists()).toBe(5);
    await act(() => clock.advance(INBOX_TICK_MS));
    await settle();
    expect(lists()).toBe(6);
    await act(() => cleanup());
    await act(() => bus.publish({ cursor: 9, changes: [change('problem', 9)] }));
    await act(() => clock.advance(INBOX_TICK_MS));
    await settle();
    expect(lists()).toBe(6); // the page is gone: it no longer listens
  });
});
