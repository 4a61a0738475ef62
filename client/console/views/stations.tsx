/** @module The console's stations page (being built). */
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';

export function StationsPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="page">
      <h2>{t.stations.heading}</h2>
    </main>
  );
}
