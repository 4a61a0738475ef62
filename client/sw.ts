/// <reference lib="webworker" />
/**
 * The service worker: precaches the built app, and answers every navigation with the app shell,
 * so the station opens (deep links included) with no network at all. API calls are never cached.
 */
import { createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//, /^\/metrics/, /^\/ca(\.|$|\/)/],
  }),
);

// An update waits until the page says the outbox is empty and no scan is in progress.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
