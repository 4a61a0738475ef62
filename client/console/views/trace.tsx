/** @module The console's trace page (being built). */
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';

export function TracePage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="page">
      <h2>{t.trace.heading}</h2>
    </main>
  );
}
