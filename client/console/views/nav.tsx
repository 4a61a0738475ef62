/**
 * @module The console's pages as tabs (links to their hash, so each opens in a new tab too) with
 * the live indicator beside them on every page. Wall displays are an admin's page.
 */
import { useConsoleText } from '../i18n/language';
import type { LiveState } from '../models/live-model';
import type { ConsolePage, ConsoleRoute } from '../router';
import { CONSOLE_PAGES, routeHash } from '../router';
import { LiveIndicator } from './live-indicator';

export function pagesFor(role: string): readonly ConsolePage[] {
  return CONSOLE_PAGES.filter((page) => page !== 'displays' || role === 'admin');
}

export function Nav(props: { route: ConsoleRoute; role: string; live: LiveState }) {
  const { t } = useConsoleText();
  return (
    <div class="console-nav spread-row">
      <nav aria-label={t.app.pages}>
        <ul>
          {pagesFor(props.role).map((page) => (
            <li key={page}>
              <a href={routeHash(page)} aria-current={props.route.page === page ? 'page' : undefined}>
                {t.app.page[page]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <LiveIndicator state={props.live} />
    </div>
  );
}
