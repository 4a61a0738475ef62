/// <reference lib="webworker" />
/**
 * The service worker: precaches the built app, and answers every navigation with the app shell,
 * so the station opens (deep links included) with no network at all. API calls are never touched:
 * the first fetch listener below lets every /api/ request (the supervisor console's live stream
 * above all: a stream passed through a worker is buffered and keeps the worker alive) go to the
 * network as if there were no service worker.
 */
import { createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

/** Requests the worker leaves to the browser: the API (and its event stream), metrics, the CA page. */
const BYPASS = /^\/(api\/|metrics$|ca(\.|$|\/))/;

// Registered before workbox's own listener: no respondWith, and no later listener sees the request.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin && BYPASS.test(url.pathname)) event.stopImmediatePropagation();
});

precacheAndRoute(self.__WB_MANIFEST);
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    // /supervisor is the console's page (its own HTML from the server), never the station's shell.
    denylist: [/^\/api\//, /^\/metrics/, /^\/ca(\.|$|\/)/, /^\/supervisor(\/|$)/],
  }),
);

// An update waits until the page says the outbox is empty and no scan is in progress.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
