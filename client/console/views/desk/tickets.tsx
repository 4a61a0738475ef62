/** @module The planning desk's page for job tickets: release (piece or batch), list (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function TicketsPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.tickets.heading}</h1>
    </main>
  );
}
