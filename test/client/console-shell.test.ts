/**
 * The console's shell pieces as a supervisor meets them: a page's address (`#/trace/BV-0001`) opens
 * that page with its serial, survives a reload and Back, and anything unknown opens the board; the
 * one live stream reaches each open page with only the kinds of change it shows.
 */
import { describe, expect, it } from 'vitest';
import type { LiveChange } from '../../shared/live-api';
import { LiveBus } from '../../client/console/models/live-bus';
import type { HashWindow } from '../../client/console/router';
import { RouteModel, parseRoute, routeHash } from '../../client/console/router';
import { mayOpen, pagesFor } from '../../client/console/views/nav';

class FakeWindow implements HashWindow {
  private readonly listeners = new Set<() => void>();
  location = { hash: '' };
  addEventListener(_type: 'hashchange', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'hashchange', listener: () => void): void {
    this.listeners.delete(listener);
  }
  /** The user edits the address or presses Back. */
  visit(hash: string): void {
    this.location.hash = hash;
    for (const listener of this.listeners) listener();
  }
  get listening(): number {
    return this.listeners.size;
  }
}

const change = (kind: LiveChange['kind'], cursor: number): LiveChange => ({
  cursor,
  kind,
  ref: cursor,
  code: `T-${cursor}`,
  node: null,
  status: null,
  graph: null,
});

describe('console routes', () => {
  it('SV-16: a page and its parameter are read from the hash, decoded; anything unknown is the board', () => {
    expect(parseRoute('#/trace/BV-DEMO-0001')).toEqual({ page: 'trace', param: 'BV-DEMO-0001' });
    expect(parseRoute('#/trace/A%2FB%20C')).toEqual({ page: 'trace', param: 'A/B C' });
    expect(parseRoute('#/inbox')).toEqual({ page: 'inbox', param: null });
    expect(parseRoute('')).toEqual({ page: 'board', param: null });
    expect(parseRoute('#/nowhere/x')).toEqual({ page: 'board', param: null });
    expect(parseRoute('#/trace/%E0%A4%A')).toEqual({ page: 'trace', param: null });
    expect(parseRoute(routeHash('trace', 'A/B C'))).toEqual({ page: 'trace', param: 'A/B C' });
  });

  it('SV-16: opening a page writes the address (Back returns), and an address typed or Back opens its page', () => {
    const window = new FakeWindow();
    window.location.hash = '#/figures';
    const router = new RouteModel(window);
    expect(router.get().page).toBe('figures');
    router.go('trace', 'BV-DEMO-0002');
    expect(window.location.hash).toBe('#/trace/BV-DEMO-0002');
    expect(router.get()).toEqual({ page: 'trace', param: 'BV-DEMO-0002' });
    window.visit('#/figures');
    expect(router.get()).toEqual({ page: 'figures', param: null });
    router.stop();
    expect(window.listening).toBe(0);
  });

  it('SV-16, AU-2: wall displays are an admin’s page only', () => {
    expect(pagesFor('admin')).toEqual(
      expect.arrayContaining(['displays', 'routings', 'tickets', 'printers']),
    );
    expect(pagesFor('admin')).not.toContain('labels');
    expect(mayOpen('supervisor', 'routings')).toBe(false);
    expect(mayOpen('admin', 'labels')).toBe(true);
    expect(pagesFor('supervisor')).not.toContain('displays');
    expect(pagesFor('supervisor')).toEqual(['board', 'inbox', 'trace', 'figures', 'stations']);
  });
});

describe('the live bus', () => {
  it('SV-16: each page hears only the kinds it shows, and every page hears a reload', () => {
    const bus = new LiveBus();
    const board: number[] = [];
    const inbox: number[] = [];
    const everything: number[] = [];
    let reloads = 0;
    bus.subscribe({
      kinds: ['token'],
      changes: (c) => board.push(...c.map((x) => x.cursor)),
      reload: () => reloads++,
    });
    const stopInbox = bus.subscribe({
      kinds: ['conflict', 'parked'],
      changes: (c) => inbox.push(...c.map((x) => x.cursor)),
      reload: () => reloads++,
    });
    bus.subscribe({ changes: (c) => everything.push(...c.map((x) => x.cursor)), reload: () => reloads++ });
    bus.publish({ cursor: 3, changes: [change('token', 1), change('conflict', 2), change('station', 3)] });
    expect(board).toEqual([1]);
    expect(inbox).toEqual([2]);
    expect(everything).toEqual([1, 2, 3]);
    stopInbox();
    bus.publish({ cursor: 4, changes: [change('parked', 4)] });
    expect(inbox).toEqual([2]);
    bus.reload();
    expect(reloads).toBe(2);
  });
});
