/** @module The planning desk's page for labels, travelers and the command-barcode sheet, printed from the browser (admin). */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';

export function LabelsPage(_props: PageProps) {
  const { t } = useConsoleText();
  return (
    <main class="console-page">
      <h1>{t.labels.heading}</h1>
    </main>
  );
}
