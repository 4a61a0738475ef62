/** @module The planning desk's page for label printers on the LAN and their print jobs (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function PrintersPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.printers.heading}</h1>
    </main>
  );
}
