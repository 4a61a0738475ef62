/** @module The planning desk's page for routings: import, check, drawing, published versions (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function RoutingsPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.routings.heading}</h1>
    </main>
  );
}
