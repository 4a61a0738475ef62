// @vitest-environment happy-dom
/**
 * The planning desk's stations, operators and users page and its change log, as an admin reads
 * them (SPEC DK-30 … DK-39), with a fake server: work centers from the board's routings; a station
 * enrolled shows its link and QR code once; a refusal is said beside the field the answer names, in
 * Thai too; a new link; an operator's change sends only what changed; the change log pages older
 * changes after the shown ones and a filter starts again from the newest, every action in words; a
 * station speaks the signed-in operator's preferred language unless they chose another.
 */
import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminChange } from '../../shared/admin-changes-api';
import { ADMIN_ACTIONS } from '../../shared/admin-changes-api';
import type { DeskOperator, DeskStation } from '../../shared/people-desk-api';
import type { Board } from '../../shared/supervisor-api';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleTh } from '../../client/console/i18n/th';
import { consoleLanguage } from '../../client/console/i18n/language';
import { changesQuery } from '../../client/console/api/changes';
import { ChangesModel } from '../../client/console/models/changes-model';
import {
  OperatorsDeskModel,
  StationsDeskModel,
  UsersDeskModel,
  enrollProblems,
  nodeCodesOf,
  workCentersOf,
} from '../../client/console/models/people-model';
import type { PageProps } from '../../client/console/page';
import { ChangesPage, summariseDetail } from '../../client/console/views/desk/changes';
import { operatorChange } from '../../client/console/views/desk/people-operators';
import { PeoplePage, sectionOf } from '../../client/console/views/desk/people';
import { chooseLanguage } from '../../client/i18n/language';
import { FakeClock } from './support/fake-clock';
import { boardNode } from './support/console-fixtures';
import { adminPageProps, deskBoard } from './support/desk-fixtures';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(() => {
  cleanup();
  consoleLanguage.choose('en');
});

const NOW = '2026-12-01T07:30:00.000Z';

type Reply = { status: number; body?: unknown };
type Route = (method: string, url: string, body: unknown) => Reply | undefined;

/** A fetch that answers from `route` and records every request. */
function fakeServer(route: Route) {
  const asked: { method: string; url: string; body: unknown }[] = [];
  const fetcher = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    asked.push({ method, url, body });
    const reply = route(method, url, body) ?? { status: 404, body: { error: { code: 'NOT_FOUND' } } };
    return Promise.resolve(
      new Response(reply.status === 204 ? null : JSON.stringify(reply.body ?? {}), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  }) as unknown as typeof fetch;
  return { fetcher, asked };
}

function board(): Board {
  return deskBoard(
    NOW,
    [
      {
        code: 'BAG-TOTE',
        version: 1,
        name: 'Tote',
        nodes: [
          boardNode('CUT', 0, 0, { workCenter: 'WC-CUT' }),
          boardNode('SKIVE', 1, 0, { workCenter: 'WC-CUT' }),
          boardNode('SPLIT', 2, 0, { type: 'split', workCenter: 'WC-CUT' }),
          boardNode('PACK', 3, 0, { workCenter: 'WC-PACK' }),
        ],
      },
      {
        code: 'WALLET',
        version: 1,
        name: 'Wallet',
        nodes: [boardNode('CUT', 0, 0, { workCenter: 'WC-CUT' })],
      },
    ],
    { blockedQueue: 20 },
  );
}

function station(name: string, fields: Partial<DeskStation> = {}): DeskStation {
  return {
    name,
    workCenter: 'WC-CUT',
    nodeCodes: ['CUT', 'SKIVE'],
    language: 'th',
    followsSiteLanguage: true,
    enrolledAt: '2026-11-30T08:00:00Z',
    revokedAt: null,
    lastSeenAt: null,
    devices: 0,
    linkExpiresAt: null,
    ...fields,
  };
}

function operator(badge: string, fields: Partial<DeskOperator> = {}): DeskOperator {
  return { badge, name: badge, hasPin: false, language: null, active: true, createdAt: NOW, ...fields };
}

const enrolled = {
  stationId: 9,
  name: 'CUT-2',
  workCenter: 'WC-CUT',
  nodeCodes: ['CUT', 'SKIVE'],
  language: 'th',
  followsSiteLanguage: false,
  token: 'secret-token',
  enrollCode: 'enr_abc',
  enrollExpiresAt: '2026-12-08T07:30:00.000Z',
  enrollUrl: 'https://edge.local/#enroll=enr_abc',
  enrollQrSvg: '<svg/>',
};

function props(fetcher: typeof fetch, param: string | null = null): PageProps {
  return adminPageProps(fetcher, NOW, { param });
}

const settle = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)));

describe('stations on the desk (DK-30 … DK-32)', () => {
  it('DK-32: the work centers a station may serve are the board’s, each with its operation nodes', () => {
    expect(workCentersOf(board())).toEqual([
      { code: 'WC-CUT', nodes: ['CUT', 'SKIVE'] },
      { code: 'WC-PACK', nodes: ['PACK'] },
    ]);
    expect(nodeCodesOf(' CUT, SKIVE  CUT,,')).toEqual(['CUT', 'SKIVE']);
  });

  it('DK-32: a refusal is put beside the field it is about', () => {
    const form = { name: 'CUT-2', workCenter: '', nodeCodes: 'NOPE', language: '' as const };
    const t = consoleEn;
    const conflict = enrollProblems(form, { status: 409, retryAfterSeconds: null });
    expect(conflict.fields.name?.(t)).toBe(t.people.stationNameInUse({ name: 'CUT-2' }));
    const missing = enrollProblems(form, {
      status: 404,
      retryAfterSeconds: null,
      body: { error: { code: 'NOT_FOUND', message: 'No routing has the node(s) NOPE', details: ['NOPE'] } },
    });
    expect(missing.fields.nodeCodes?.(t)).toBe(t.people.nodesUnknown({ codes: 'NOPE' }));
    const bad = enrollProblems(form, {
      status: 400,
      retryAfterSeconds: null,
      body: { error: { code: 'BAD_REQUEST', details: [{ path: 'name', message: 'letters' }] } },
    });
    expect(Object.keys(bad.fields)).toEqual(['name']);
    expect(enrollProblems(form, { status: 0, retryAfterSeconds: null }).general?.(t)).toBe(
      t.people.unreachable,
    );
  });

  it('DK-30, DK-31, DK-32: enrolling shows the link and QR once (in Thai), the list follows; a new link replaces it', async () => {
    consoleLanguage.choose('th');
    let list = [station('CUT-1', { devices: 1, lastSeenAt: NOW })];
    const server = fakeServer((method, url) => {
      if (url.startsWith('/api/v1/supervisor/board')) return { status: 200, body: board() };
      if (method === 'GET' && url === '/api/v1/admin/stations')
        return { status: 200, body: { stations: list } };
      if (method === 'POST' && url === '/api/v1/admin/stations') {
        list = [
          ...list,
          station('CUT-2', { language: 'th', followsSiteLanguage: false, linkExpiresAt: NOW }),
        ];
        return { status: 201, body: enrolled };
      }
      if (method === 'POST' && url === '/api/v1/admin/stations/CUT-1/link')
        return {
          status: 201,
          body: {
            name: 'CUT-1',
            enrollCode: 'enr_new',
            enrollExpiresAt: NOW,
            enrollUrl: 'https://edge.local/#enroll=enr_new',
            enrollQrSvg: '<svg/>',
          },
        };
      return undefined;
    });
    render(<PeoplePage {...props(server.fetcher)} />);
    await settle();
    const t = consoleTh;
    expect(document.querySelector('[aria-current="page"]')?.textContent).toBe(t.people.tab.stations);
    const options = [...document.querySelectorAll('#station-wc option')].map((o) => o.textContent);
    expect(options).toEqual([t.people.chooseWorkCenter, 'WC-CUT (CUT, SKIVE)', 'WC-PACK (PACK)']);
    const cut1 = document.querySelector('[data-station="CUT-1"]') as HTMLElement;
    expect(cut1.querySelector('[data-field="devices"]')?.textContent).toBe(t.people.devices({ n: 1 }));
    expect(cut1.querySelector('[data-field="language"]')?.textContent).toBe(
      t.people.followsSite({ language: 'ไทย' }),
    );

    const name = document.getElementById('station-name') as HTMLInputElement;
    await act(() => {
      name.value = 'CUT-2';
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const wc = document.getElementById('station-wc') as HTMLSelectElement;
    await act(() => {
      wc.value = 'WC-CUT';
      wc.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const lang = document.getElementById('station-language') as HTMLSelectElement;
    await act(() => {
      lang.value = 'th';
      lang.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(() =>
      (document.querySelector('.people-form button[type="submit"]') as HTMLButtonElement).click(),
    );
    await settle();
    expect(server.asked.find((a) => a.method === 'POST')?.body).toEqual({
      name: 'CUT-2',
      workCenter: 'WC-CUT',
      language: 'th',
    });
    expect(document.querySelector<HTMLInputElement>('[data-link]')?.value).toBe(enrolled.enrollUrl);
    expect(document.querySelector(`[aria-label="${t.people.qr({ name: 'CUT-2' })}"]`)).not.toBeNull();
    expect(document.body.textContent).not.toContain('secret-token');
    expect(document.querySelector('[data-station="CUT-2"]')).not.toBeNull();

    const again = document.querySelector(`[aria-label="${t.people.newLinkLabel({ name: 'CUT-1' })}"]`);
    await act(() => (again as HTMLButtonElement).click());
    await settle();
    expect(document.querySelector<HTMLInputElement>('[data-link]')?.value).toBe(
      'https://edge.local/#enroll=enr_new',
    );
    expect(document.getElementById('people-link-heading')?.textContent).toBe(
      t.people.relinkedHeading({ name: 'CUT-1' }),
    );
  });

  it('DK-31: revoking asks first; the model says a refused link in words and a 401 signs out', async () => {
    const server = fakeServer((method, url) => {
      if (url.startsWith('/api/v1/supervisor/board')) return { status: 200, body: board() };
      if (url === '/api/v1/admin/stations' && method === 'GET')
        return { status: 200, body: { stations: [station('A')] } };
      if (url === '/api/v1/admin/stations/A' && method === 'DELETE') return { status: 204 };
      if (url === '/api/v1/admin/stations/A/link')
        return { status: 404, body: { error: { code: 'NOT_FOUND' } } };
      return undefined;
    });
    const signedOut = vi.fn();
    const model = new StationsDeskModel(server.fetcher, signedOut, new FakeClock(NOW));
    await model.load();
    model.askRevoke('A');
    expect(model.get().confirming).toBe('A');
    await model.revoke('A');
    expect(server.asked.some((a) => a.method === 'DELETE')).toBe(true);
    expect(model.get().confirming).toBeNull();
    await model.newLink('A');
    expect(model.get().problem?.(consoleEn)).toBe(consoleEn.people.linkFailed({ name: 'A' }));
    expect(await model.enroll({ name: 'X', workCenter: '', nodeCodes: '', language: '' })).toBe(false);
    expect(model.get().form.fields.workCenter?.(consoleEn)).toBe(consoleEn.people.needWorkCenter);
    model.stop();

    const gone = new StationsDeskModel(
      fakeServer(() => ({ status: 401 })).fetcher,
      signedOut,
      new FakeClock(NOW),
    );
    await gone.load();
    expect(signedOut).toHaveBeenCalled();
  });
});

describe('operators and users on the desk (DK-33 … DK-37)', () => {
  it('DK-33: an operator is added with a PIN and Thai; a bad PIN is said beside the PIN field', async () => {
    const server = fakeServer((method, url, body) => {
      if (method === 'GET') return { status: 200, body: { operators: [operator('OP-1')] } };
      const pin = (body as { pin?: string }).pin;
      if (pin === '12')
        return {
          status: 400,
          body: {
            error: { code: 'BAD_REQUEST', details: [{ path: 'pin', message: 'a PIN is 4 to 8 digits' }] },
          },
        };
      return { status: 201, body: { badge: 'OP-9', name: 'Somsri', hasPin: true, language: 'th' } };
    });
    const model = new OperatorsDeskModel(server.fetcher, vi.fn());
    await model.load();
    expect(await model.add({ badge: 'OP-9', name: '', pin: '12', language: 'th' })).toBe(false);
    expect(model.get().form.fields.pin?.(consoleTh)).toBe(consoleTh.people.pinBad);
    expect(await model.add({ badge: ' OP-9 ', name: 'Somsri', pin: '2468', language: 'th' })).toBe(true);
    expect(server.asked.at(-2)?.body).toEqual({ badge: 'OP-9', name: 'Somsri', pin: '2468', language: 'th' });
    expect(model.get().saved).toEqual({ badge: 'OP-9', kind: 'added' });
  });

  it('DK-34, DK-35: a change sends only what changed: a new PIN, the PIN removed, the language, deactivation', () => {
    const o = operator('OP-1', { name: 'Malee', hasPin: true, language: 'en' });
    const same = { name: 'Malee', language: 'en' as const, pin: '', removePin: false, active: true };
    expect(operatorChange(o, same)).toEqual({});
    expect(operatorChange(o, { ...same, pin: '1234', removePin: true })).toEqual({ pin: '1234' });
    expect(operatorChange(o, { ...same, removePin: true })).toEqual({ pin: null });
    expect(operatorChange(o, { ...same, language: '', active: false })).toEqual({
      language: null,
      active: false,
    });
    expect(operatorChange(o, { ...same, name: ' Mali ' })).toEqual({ name: 'Mali' });
  });

  it('DK-35: the change form saves through PATCH and closes; an operator gone is said so', async () => {
    const server = fakeServer((method, url) => {
      if (method === 'GET') return { status: 200, body: { operators: [operator('OP-1')] } };
      if (url.endsWith('/OP-1')) return { status: 200, body: operator('OP-1', { active: false }) };
      return { status: 404, body: { error: { code: 'NOT_FOUND' } } };
    });
    const model = new OperatorsDeskModel(server.fetcher, vi.fn());
    await model.load();
    model.startEdit('OP-1');
    expect(await model.save('OP-1', { active: false })).toBe(true);
    expect(server.asked.find((a) => a.method === 'PATCH')).toMatchObject({
      url: '/api/v1/admin/operators/OP-1',
      body: { active: false },
    });
    expect(model.get().editing).toBeNull();
    model.startEdit('OP-2');
    expect(await model.save('OP-2', { active: false })).toBe(false);
    expect(model.get().edit.general?.(consoleEn)).toBe(consoleEn.people.operatorGone({ badge: 'OP-2' }));
  });

  it('DK-37: a user name in use is said beside the username; a short password beside the password', async () => {
    const server = fakeServer((method, _url, body) => {
      if (method === 'GET') return { status: 200, body: { users: [] } };
      if ((body as { username: string }).username === 'admin') return { status: 409, body: { error: {} } };
      return {
        status: 400,
        body: { error: { details: [{ path: 'password', message: 'a password has at least 8 characters' }] } },
      };
    });
    const model = new UsersDeskModel(server.fetcher, vi.fn());
    await model.add({ username: 'admin', role: 'admin', password: 'x' });
    expect(model.get().form.fields.username?.(consoleEn)).toBe(
      consoleEn.people.usernameInUse({ username: 'admin' }),
    );
    await model.add({ username: 'lead', role: 'supervisor', password: 'x' });
    expect(model.get().form.fields.password?.(consoleEn)).toBe(consoleEn.people.passwordBad);
  });

  it('DK-36: the station speaks the operator’s preferred language unless they chose another on it', () => {
    expect(chooseLanguage({ operator: null, preferred: 'th', station: 'en' })).toBe('th');
    expect(chooseLanguage({ operator: 'en', preferred: 'th', station: 'th' })).toBe('en');
    expect(chooseLanguage({ operator: null, preferred: undefined, station: 'en' })).toBe('en');
    expect(sectionOf('operators')).toBe('operators');
    expect(sectionOf('nonsense')).toBe('stations');
  });
});

function change(id: number, fields: Partial<AdminChange> = {}): AdminChange {
  return {
    id,
    at: NOW,
    by: 'admin',
    action: 'operator.add',
    subject: `OP-${id}`,
    reason: null,
    detail: null,
    ...fields,
  };
}

describe('the change log (DK-39)', () => {
  it('DK-39: every kind of change has words in both languages, and details are summarised', () => {
    for (const action of ADMIN_ACTIONS) {
      expect(consoleEn.changes.actions[action]).toMatch(/\w/);
      expect(consoleTh.changes.actions[action]).toMatch(/[\u0E00-\u0E7F]/);
    }
    expect(summariseDetail(consoleEn, 'en', { pin: 'set', language: 'th', active: false })).toEqual([
      'PIN set',
      'language Thai',
      'deactivated',
    ]);
    expect(summariseDetail(consoleTh, 'th', { tokens: 20 })).toEqual(['20 ชิ้นงาน']);
    expect(summariseDetail(consoleEn, 'en', { printer: 'ZD-1' })).toEqual(['printer: ZD-1']);
    expect(changesQuery({ action: 'station.link', subject: ' CUT-1 ' }, 'abc', 50)).toBe(
      '?action=station.link&subject=CUT-1&limit=50&after=abc',
    );
  });

  it('DK-39: newest first, "Show older" appends the next page, a filter starts from the newest again', async () => {
    const server = fakeServer((_method, url) => {
      const query = new URL(url, 'http://x').searchParams;
      if (query.get('action') === 'station.link')
        return { status: 200, body: { changes: [change(9, { action: 'station.link' })], next: null } };
      return query.get('after') === 'p2'
        ? { status: 200, body: { changes: [change(1)], next: null } }
        : {
            status: 200,
            body: {
              changes: [
                change(3, { reason: 'badge lost', action: 'operator.change', detail: { pin: 'cleared' } }),
                change(2),
              ],
              next: 'p2',
            },
          };
    });
    render(<ChangesPage {...props(server.fetcher)} />);
    await settle();
    const lines = () =>
      [...document.querySelectorAll('[data-change]')].map((l) => l.getAttribute('data-subject'));
    expect(lines()).toEqual(['OP-3', 'OP-2']);
    const first = document.querySelector('[data-change]') as HTMLElement;
    expect(first.textContent).toContain(consoleEn.changes.actions['operator.change']);
    expect(first.textContent).toContain('Reason: badge lost');
    expect(first.textContent).toContain('PIN removed');
    expect(first.textContent).toContain('by admin');
    await act(() => (document.querySelector('.changes-older') as HTMLButtonElement).click());
    await settle();
    expect(lines()).toEqual(['OP-3', 'OP-2', 'OP-1']);
    expect(document.body.textContent).toContain(consoleEn.changes.end);

    const model = new ChangesModel(server.fetcher, vi.fn(), 2);
    await model.load();
    await model.older();
    await model.filter({ action: 'station.link' });
    expect(model.get().changes?.map((c) => c.id)).toEqual([9]);
    expect(server.asked.at(-1)?.url).toContain('action=station.link');
  });
});
