/**
 * @module App updates through the service worker (Workbox): a new version waits, the screen offers
 * it, and it is applied only when the outbox is empty and no scan is in progress, so an update
 * never strands a scan (queued entries also carry their schema version). workbox-window is loaded
 * after the first screen, not with it (it is 2 KB of the first download otherwise).
 */

export interface UpdateOffer {
  /** Activates the waiting version; the page reloads once it controls. */
  apply: () => void;
}

export function registerServiceWorker(onUpdateWaiting: (offer: UpdateOffer) => void): void {
  if (!('serviceWorker' in navigator)) return;
  import('workbox-window')
    .then(async ({ Workbox }) => {
      const wb = new Workbox('/sw.js', { type: 'module' });
      wb.addEventListener('waiting', () => {
        onUpdateWaiting({
          apply: () => {
            // Reload once the new version controls the page, however workbox-window classed the update
            // (one it found itself, or one the browser found on its own).
            navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
              once: true,
            });
            void navigator.serviceWorker
              .getRegistration()
              .then((registration) => registration?.waiting?.postMessage({ type: 'SKIP_WAITING' }));
          },
        });
      });
      await wb.register();
    })
    // Without it the app still works offline from the worker already installed; only updates wait.
    .catch((error: unknown) => console.warn('updates: the service worker could not be registered', error));
}
