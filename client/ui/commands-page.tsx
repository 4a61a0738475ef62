/**
 * @module The printable page of command barcodes (/commands): one Code 128 card per action, for
 * hands-free work with a scanner. Its barcode generator is loaded only on this page.
 */
import { useEffect, useRef } from 'preact/hooks';
import { allCommands, commandText } from '../scan/commands';

function CommandCard({ text, label }: { text: string; label: string }) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    void import('jsbarcode').then(({ default: JsBarcode }) => {
      if (svg.current)
        JsBarcode(svg.current, text, {
          format: 'CODE128',
          width: 2,
          height: 70,
          displayValue: true,
          margin: 12,
        });
    });
  }, [text]);
  return (
    <figure class="command-card">
      <figcaption>{label}</figcaption>
      <svg ref={svg} role="img" aria-label={`${label} barcode (${text})`} />
    </figure>
  );
}

export function CommandsPage() {
  return (
    <main class="screen commands-page">
      <h1>Command barcodes</h1>
      <p class="no-print">
        Scan a token, then one of these, to record without touching the screen. QC fail, Note and Bind
        component then ask for their detail. <button onClick={() => print()}>Print</button>{' '}
        <a href="/">Back to the station</a>
      </p>
      <div class="command-grid">
        {allCommands().map(({ command, label }) => (
          <CommandCard key={label} text={commandText(command)} label={label} />
        ))}
      </div>
    </main>
  );
}
