/** @module The station app's entry: enrollment from the link, the screen, and the service worker. */
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { App } from './app';
import { OutboxStore, StationDb } from './db/outbox-store';
import { enroll } from './station/enrollment';
import './styles.css';

void enroll(location, localStorage).then(({ token, problem }) => {
  render(<App token={token} problem={problem} />, document.getElementById('app') as HTMLElement);
});

// Ask the browser not to evict the outbox under storage pressure (best effort; it may say no).
void navigator.storage?.persist?.();

if ('serviceWorker' in navigator) {
  const wb = new Workbox('/sw.js', { type: 'module' });
  // A new version waits until nothing is queued: an update never strands a scan (queued entries
  // also carry their schema version). Then the page offers it.
  wb.addEventListener('waiting', () => {
    void new OutboxStore(new StationDb()).pendingCount().then((pending) => {
      if (pending === 0 && confirm('A new version of the station app is ready. Update now?')) {
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      }
    });
  });
  void wb.register();
}
