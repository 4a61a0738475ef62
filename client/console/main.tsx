/**
 * @module The supervisor console's entry (/supervisor): its own bundle, never loaded by the station
 * app. /supervisor/wall is the wall display's screen (wall/), signed in by its display credential.
 */
import { render } from 'preact';
import { ConsoleApp } from './app';
import { createConsoleApi } from './api';
import { WallApp } from './wall/wall-app';
import '../fonts.css';
import './console.css';

const root = document.getElementById('console');
const fetcher: typeof fetch = (...a) => fetch(...a);
const openSource = (url: string) => new EventSource(url);
if (root && /^\/supervisor\/wall\/?$/.test(location.pathname))
  render(<WallApp fetcher={fetcher} openSource={openSource} />, root);
else if (root)
  render(
    <ConsoleApp
      api={createConsoleApi('', fetcher)}
      openSource={openSource}
      fetcher={fetcher}
      window={window}
    />,
    root,
  );
