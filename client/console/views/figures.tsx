/** @module The console's figures page (being built). */
import { useConsoleText } from '../i18n/language';
import type { PageProps } from '../page';

export function FiguresPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="page">
      <h2>{t.figures.heading}</h2>
    </main>
  );
}
