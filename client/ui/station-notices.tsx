/**
 * @module The lines under the status band: a refusal that arrived with a later sync (its own red
 * banner), the stall alarm, a waiting app update, and what the last scan or action came to (it
 * flashes, shows its time, and fades; the model clears it after a few seconds).
 */
import type { StoredEntry } from '../outbox/outbox';
import type { Message } from './feedback';
import { formatTime } from '../i18n/format';
import { useLanguage, useText } from '../i18n/use-text';
import type { StationProblem } from '../net/station-fetch';
import { reasonText } from './recent-events';
import { problemText } from './status-bar';

export function StallAlarm(props: {
  minutes: number;
  pending: number | null;
  problem: StationProblem | null;
}) {
  const t = useText();
  const { minutes, pending, problem } = props;
  return (
    <div class="notice alarm" role="alert" data-testid="stalled">
      <p>{t.status.stalled({ n: pending ?? 0, minutes })}</p>
      {problem ? <p>{problemText(t, problem)}</p> : null}
    </div>
  );
}

/** An update installs only once every scan is delivered and no card is open. */
export function UpdateNotice(props: { canApply: boolean; onApply: () => void }) {
  const t = useText();
  return (
    <div class="notice update" data-testid="update">
      <p>{t.status.update.ready}</p>
      {props.canApply ? (
        <button type="button" onClick={props.onApply}>
          {t.status.update.apply}
        </button>
      ) : (
        <p>{t.status.update.waits}</p>
      )}
    </div>
  );
}

/**
 * What the last scan or action came to. The live region stays in the page (a screen reader hears
 * what appears in it); a refusal is an alert of its own. `key` restarts the flash for each new one.
 */
export function MessageLine({ message }: { message: Message | null }) {
  const { language, catalogue: t } = useLanguage();
  const line = message ? (
    <p
      key={message.at}
      class={`outcome outcome-${message.kind}`}
      data-testid="message"
      data-kind={message.kind}
    >
      <span class="outcome-text">{message.text(t)}</span>{' '}
      <time class="outcome-time" dateTime={new Date(message.at).toISOString()}>
        {t.status.saidAt({ time: formatTime(language, message.at) })}
      </time>
    </p>
  ) : null;
  const refused = message?.kind === 'refused';
  return (
    <div class="outcomes">
      <div role="status" aria-live="polite">
        {refused ? null : line}
      </div>
      {refused ? <div role="alert">{line}</div> : null}
    </div>
  );
}

/** Events the server refused on a later sync: red, near the top, until the operator has seen it. */
export function RefusalBanner(props: { entries: StoredEntry[]; onDismiss: () => void }) {
  const t = useText();
  if (props.entries.length === 0) return null;
  const banner = t.status.refusedBanner;
  return (
    <div class="notice refusal-banner" role="alert" data-testid="refusal-banner">
      <p class="refusal-title">{banner.title({ n: props.entries.length })}</p>
      <ul>
        {props.entries.map((r) => (
          <li key={r.id}>
            {banner.line({ action: t.words.action[r.event.type], serial: r.event.code })}{' '}
            {r.state.kind === 'refused' ? <strong>{reasonText(t, r.state.reason)}</strong> : null}
          </li>
        ))}
      </ul>
      <p>{banner.seeBelow}</p>
      <button type="button" onClick={props.onDismiss}>
        {banner.dismiss}
      </button>
    </div>
  );
}
