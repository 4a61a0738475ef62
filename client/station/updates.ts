/**
 * @module App updates through the service worker (Workbox): a new version waits, the screen offers
 * it, and it is applied only when the outbox is empty and no scan is in progress, so an update
 * never strands a scan (queued entries also carry their schema version).
 */
import { Workbox } from 'workbox-window';

export interface UpdateOffer {
  /** Activates the waiting version; the page reloads once it controls. */
  apply: () => void;
}

export function registerServiceWorker(onUpdateWaiting: (offer: UpdateOffer) => void): void {
  if (!('serviceWorker' in navigator)) return;
  const wb = new Workbox('/sw.js', { type: 'module' });
  wb.addEventListener('waiting', () => {
    onUpdateWaiting({
      apply: () => {
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      },
    });
  });
  void wb.register();
}
