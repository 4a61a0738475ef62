/**
 * The service worker never touches the API (SV-12: the console's live stream above all): its first
 * fetch listener hands every /api/ request to the network before workbox's routes can see it.
 * client/sw.ts is run here against a stand-in `self` and stand-ins for workbox.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

const order: string[] = [];
const listeners: ((event: unknown) => void)[] = [];

vi.mock('workbox-precaching', () => ({
  precacheAndRoute: () => order.push('workbox fetch listener'),
  createHandlerBoundToURL: () => () => undefined,
}));
vi.mock('workbox-routing', () => ({
  NavigationRoute: class {},
  registerRoute: () => order.push('workbox route'),
}));

beforeAll(async () => {
  (globalThis as Record<string, unknown>)['self'] = {
    __WB_MANIFEST: [],
    location: { origin: 'https://edge.example' },
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      order.push(`${type} listener`);
      if (type === 'fetch') listeners.push(listener);
    },
    skipWaiting: () => Promise.resolve(),
  };
  await import('../../client/sw');
});

function fetchEvent(url: string) {
  const event = { request: new Request(url), stopImmediatePropagation: vi.fn(), respondWith: vi.fn() };
  for (const listener of listeners) listener(event);
  return event;
}

describe('the service worker and the API (SV-12)', () => {
  it('SV-12: its own fetch listener comes before workbox’s', () => {
    expect(order.indexOf('fetch listener')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('fetch listener')).toBeLessThan(order.indexOf('workbox fetch listener'));
  });

  it('SV-12: /api/ requests (the live stream included) go past every other listener, unanswered', () => {
    for (const url of [
      'https://edge.example/api/v1/supervisor/stream',
      'https://edge.example/api/v1/supervisor/stream?after=12',
      'https://edge.example/api/v1/events',
      'https://edge.example/metrics',
    ]) {
      const event = fetchEvent(url);
      expect(event.stopImmediatePropagation, url).toHaveBeenCalled();
      expect(event.respondWith, url).not.toHaveBeenCalled();
    }
  });

  it('SV-12: the app’s own files are left to workbox', () => {
    for (const url of [
      'https://edge.example/',
      'https://edge.example/assets/app.js',
      'https://other.example/api/x',
    ]) {
      expect(fetchEvent(url).stopImmediatePropagation, url).not.toHaveBeenCalled();
    }
  });
});
