/** @module The console's inbox page (being built). */
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';

export function InboxPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="page">
      <h2>{t.inbox.heading}</h2>
    </main>
  );
}
