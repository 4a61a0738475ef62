/** @module What every page of the console is given by the shell (app.tsx). */
import type { ConsoleSession } from './api';
import type { LiveBus } from './models/live-bus';
import type { LiveClock } from './models/live-model';
import type { ConsolePage } from './router';

export interface PageProps {
  /** Same-origin fetch (the session cookie goes by itself); each page builds its requests on it. */
  fetcher: typeof fetch;
  session: ConsoleSession;
  /** The console's one live stream: subscribe to the kinds of change the page shows. */
  bus: LiveBus;
  clock: LiveClock;
  /** The route's parameter (a serial to trace), null when there is none. */
  param: string | null;
  /** Opens another page (or this one with another parameter). */
  go: (page: ConsolePage, param?: string | null) => void;
  /** A request answered 401: the session ended, the shell shows sign-in. */
  signedOut: () => void;
}
