/** @module The station app's entry: enrollment from the link, the screen, and the service worker. */
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { App } from './app';
import { takeEnrollment } from './station/enrollment';
import './styles.css';

const token = takeEnrollment(location, localStorage);
render(<App token={token} />, document.getElementById('app') as HTMLElement);

if ('serviceWorker' in navigator) {
  const wb = new Workbox('/sw.js', { type: 'module' });
  void wb.register();
}
