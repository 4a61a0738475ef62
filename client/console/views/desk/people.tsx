/** @module The planning desk's page for stations (enroll, new link, revoke), operators and users (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function PeoplePage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.people.heading}</h1>
    </main>
  );
}
