/**
 * @module Where the console is: the page and its parameter from the location's hash
 * (`#/trace/BV-0001`), so a view can be bookmarked, reloaded and opened from a link, and Back works.
 * The wall display is not a page here: it is its own screen at /supervisor/wall (wall/).
 */
import { Model } from '../state/model';

export const FLOOR_PAGES = ['board', 'inbox', 'trace', 'figures', 'stations'] as const;
/** The planning desk: admin sessions only ('labels' is a print view opened from a ticket). */
export const DESK_PAGES = [
  'routings',
  'tickets',
  'labels',
  'people',
  'printers',
  'displays',
  'changes',
] as const;
export const CONSOLE_PAGES = [...FLOOR_PAGES, ...DESK_PAGES] as const;
export type DeskPageName = (typeof DESK_PAGES)[number];

export const isDeskPage = (page: string): page is DeskPageName =>
  (DESK_PAGES as readonly string[]).includes(page);
export type ConsolePage = (typeof CONSOLE_PAGES)[number];

export interface ConsoleRoute {
  page: ConsolePage;
  /** What follows the page in the hash, decoded (a serial to trace); null when nothing does. */
  param: string | null;
}

const isPage = (text: string): text is ConsolePage => (CONSOLE_PAGES as readonly string[]).includes(text);

/** `#/trace/BV%2D1` → trace, "BV-1"; anything unknown → the board. */
export function parseRoute(hash: string): ConsoleRoute {
  const [page = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!isPage(page)) return { page: 'board', param: null };
  const raw = rest.join('/');
  let param: string | null = null;
  try {
    param = raw === '' ? null : decodeURIComponent(raw);
  } catch {
    param = null; // a hand-typed "%" that is not an escape: the page without its parameter
  }
  return { page, param };
}

export function routeHash(page: ConsolePage, param: string | null = null): string {
  return param === null || param === '' ? `#/${page}` : `#/${page}/${encodeURIComponent(param)}`;
}

/** What the router needs of the window (a fake in tests). */
export interface HashWindow {
  location: { hash: string };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

export class RouteModel extends Model<ConsoleRoute> {
  private readonly onHash = () => this.set(parseRoute(this.window.location.hash));

  constructor(private readonly window: HashWindow) {
    super(parseRoute(window.location.hash));
    window.addEventListener('hashchange', this.onHash);
  }

  /** Opens a page (a history entry, so Back returns). */
  go(page: ConsolePage, param: string | null = null): void {
    this.window.location.hash = routeHash(page, param);
    this.onHash();
  }

  stop(): void {
    this.window.removeEventListener('hashchange', this.onHash);
  }
}
