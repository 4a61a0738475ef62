/** @module The station app's entry: enrollment from the link, then the screen (which also registers the service worker). */
import { render } from 'preact';
import { App } from './app';
import { createStationFetch } from './net/station-fetch';
import type { Enrollment } from './station/enrollment';
import { enroll, followEnrollmentLinks } from './station/enrollment';
import './fonts.css';
import './styles.css';
import './ui/card.css';
import './ui/pages.css';

const root = document.getElementById('app');
const noCredential = createStationFetch({ baseUrl: location.origin, token: null });
const show = ({ token, problem }: Enrollment) => {
  if (root) render(<App token={token} problem={problem} />, root);
};
void enroll(location, localStorage, noCredential).then(show);
// A link opened in this tab later (only its hash changes): enroll and show the station, no reload.
followEnrollmentLinks(window, localStorage, noCredential, show);

// Ask the browser not to evict the outbox under storage pressure (best effort; it may say no).
void navigator.storage?.persist?.();
