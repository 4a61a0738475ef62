/** @module The station app's entry: enrollment from the link, then the screen (which also registers the service worker). */
import { render } from 'preact';
import { App } from './app';
import { createStationFetch } from './net/station-fetch';
import { enroll } from './station/enrollment';
import './styles.css';
import './ui/card.css';
import './ui/pages.css';

const root = document.getElementById('app');
void enroll(location, localStorage, createStationFetch({ baseUrl: location.origin, token: null })).then(
  ({ token, problem }) => {
    if (root) render(<App token={token} problem={problem} />, root);
  },
);

// Ask the browser not to evict the outbox under storage pressure (best effort; it may say no).
void navigator.storage?.persist?.();
