/**
 * @module The console's pages as tabs (links to their hash, so each opens in a new tab too) with
 * the live indicator beside them on every page. The planning desk's pages are an admin's: a
 * supervisor sees the floor's only. The labels page is a print view, opened from a ticket.
 */
import { useConsoleText } from '../i18n/language';
import type { LiveState } from '../models/live-model';
import type { ConsolePage, ConsoleRoute } from '../router';
import { DESK_PAGES, FLOOR_PAGES, routeHash } from '../router';
import { LiveIndicator } from './live-indicator';

export function pagesFor(role: string): readonly ConsolePage[] {
  const desk = role === 'admin' ? DESK_PAGES.filter((page) => page !== 'labels') : [];
  return [...FLOOR_PAGES, ...desk];
}

/** Whether this session may open a page (a supervisor's link to a desk page shows the board). */
export function mayOpen(role: string, page: ConsolePage): boolean {
  return (FLOOR_PAGES as readonly string[]).includes(page) || role === 'admin';
}

function PageLinks(props: { label: string; pages: readonly ConsolePage[]; route: ConsoleRoute }) {
  const { t } = useConsoleText();
  return (
    <nav aria-label={props.label}>
      <ul>
        {props.pages.map((page) => (
          <li key={page}>
            <a href={routeHash(page)} aria-current={props.route.page === page ? 'page' : undefined}>
              {t.app.page[page]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Nav(props: { route: ConsoleRoute; role: string; live: LiveState }) {
  const { t } = useConsoleText();
  const pages = pagesFor(props.role);
  const desk = pages.filter((page) => (DESK_PAGES as readonly string[]).includes(page));
  return (
    <div class="console-nav spread-row">
      <div class="console-nav-groups">
        <PageLinks label={t.app.floorPages} pages={FLOOR_PAGES} route={props.route} />
        {desk.length > 0 && <PageLinks label={t.app.deskPages} pages={desk} route={props.route} />}
      </div>
      <LiveIndicator state={props.live} />
    </div>
  );
}
