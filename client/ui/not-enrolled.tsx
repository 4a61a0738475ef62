/** @module The screen of a browser that is not a station yet, with why its enrollment link failed. */
import type { Text } from '../i18n/catalogue';
import { useText } from '../i18n/use-text';

export function NotEnrolled({ problem }: { problem: Text | null }) {
  const t = useText();
  return (
    <main class="screen not-enrolled">
      <h1>{t.pages.appName}</h1>
      <h2>{t.pages.notEnrolled.heading}</h2>
      {problem ? (
        <p class="message refused" role="alert">
          {problem(t)}
        </p>
      ) : null}
      <p class="notice">{t.pages.notEnrolled.instruction}</p>
    </main>
  );
}
