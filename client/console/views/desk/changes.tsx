/** @module The planning desk's page for the audit trail of admin changes (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function ChangesPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.changes.heading}</h1>
    </main>
  );
}
