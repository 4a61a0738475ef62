/** @module The wall display's screen at /supervisor/wall (being built). */
import type { OpenSource } from '../models/live-model';
import { useConsoleText } from '../i18n/language';

export function WallApp(_props: { fetcher: typeof fetch; openSource: OpenSource }) {
  const { t } = useConsoleText();
  return (
    <main class="wall">
      <h1>{t.wall.heading}</h1>
    </main>
  );
}
