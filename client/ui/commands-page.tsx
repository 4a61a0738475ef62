/**
 * @module The printable page of command barcodes (/commands): one Code 128 card per action, for
 * hands-free work with a scanner, labelled in the screen's language. Each barcode is drawn at its
 * natural size and then scaled to its card (the SVG keeps its viewBox and takes the card's width),
 * so the longest ("Bind component") fits a phone and a column of an A4 page alike. Its barcode
 * generator is loaded only on this page.
 */
import { useEffect, useRef } from 'preact/hooks';
import { useText } from '../i18n/use-text';
import { allCommands, commandText } from '../scan/commands';

/** Code 128 wants a quiet zone of at least 10 modules each side; a module is `MODULE` SVG units. */
const MODULE = 2;
const QUIET_ZONE = 10 * MODULE;

function CommandCard({ text, label }: { text: string; label: string }) {
  const t = useText();
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    void import('jsbarcode').then(({ default: JsBarcode }) => {
      const element = svg.current;
      if (!element) return;
      JsBarcode(element, text, {
        format: 'CODE128',
        width: MODULE,
        height: 70,
        displayValue: true,
        margin: QUIET_ZONE,
      });
      // JsBarcode sets a fixed width and height in px and a viewBox; drop the first two so the
      // stylesheet scales the drawing to the card (width 100%, height from the viewBox).
      element.removeAttribute('width');
      element.removeAttribute('height');
    });
  }, [text]);
  return (
    <figure class="command-card">
      <figcaption>{label}</figcaption>
      <svg
        ref={svg}
        class="command-barcode"
        role="img"
        aria-label={t.pages.commands.barcode({ label, text })}
        preserveAspectRatio="xMidYMid meet"
      />
    </figure>
  );
}

export function CommandsPage() {
  const t = useText();
  return (
    <main class="screen commands-page">
      <h1>{t.pages.commands.heading}</h1>
      <div class="no-print commands-intro">
        <p>{t.pages.commands.intro}</p>
        <p class="commands-links">
          <button type="button" onClick={() => print()}>
            {t.pages.commands.print}
          </button>
          <a href="/">{t.pages.commands.back}</a>
        </p>
      </div>
      <div class="command-grid">
        {allCommands().map(({ command, label }) => {
          const text = commandText(command);
          return <CommandCard key={text} text={text} label={label(t)} />;
        })}
      </div>
    </main>
  );
}
