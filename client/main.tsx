/** @module The station app's entry: enrollment from the link, the screen, and the service worker. */
import { render } from 'preact';
import { Workbox } from 'workbox-window';
import { App } from './app';
import { enroll } from './station/enrollment';
import './styles.css';

void enroll(location, localStorage).then(({ token, problem }) => {
  render(<App token={token} problem={problem} />, document.getElementById('app') as HTMLElement);
});

if ('serviceWorker' in navigator) {
  const wb = new Workbox('/sw.js', { type: 'module' });
  void wb.register();
}
