/** @module The station app's entry: enrollment from the link, then the screen (which also registers the service worker). */
import { render } from 'preact';
import { App } from './app';
import { enroll } from './station/enrollment';
import './styles.css';

void enroll(location, localStorage).then(({ token, problem }) => {
  render(<App token={token} problem={problem} />, document.getElementById('app') as HTMLElement);
});

// Ask the browser not to evict the outbox under storage pressure (best effort; it may say no).
void navigator.storage?.persist?.();
