/** @module The console's displays page (being built). */
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';

export function DisplaysPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="page">
      <h2>{t.displays.heading}</h2>
    </main>
  );
}
