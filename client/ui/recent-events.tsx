/**
 * @module The station's own events and what became of each, in words: waiting to send, recorded,
 * already recorded, kept for later (with the reason), refused (with the reason, to discard or send
 * again), sent on to the factory system. Reasons are shown by their code in the operator's language.
 */
import type { EventReasonCode } from '../../shared/reason-codes';
import type { Catalogue } from '../i18n/catalogue';
import { formatTime } from '../i18n/format';
import { useLanguage, useText } from '../i18n/use-text';
import type { StoredEntry } from '../outbox/outbox';

/** A server reason by its code (the server's English message is for API clients, not operators). */
export function reasonText(t: Catalogue, reason: { code: string }): string {
  const { code } = reason;
  if (Object.hasOwn(t.reasons, code)) return t.reasons[code as EventReasonCode];
  if (code === 'REJECTED' || code === 'STORAGE_FULL') return t.localReasons[code];
  return t.localReasons.UNKNOWN({ code });
}

function stateText(t: Catalogue, entry: StoredEntry): string {
  const s = entry.state;
  const words = t.status.recent;
  switch (s.kind) {
    case 'queued':
      return words.state.queued;
    case 'delivered':
      return s.result === 'parked' && s.reason
        ? words.parkedBecause({ reason: reasonText(t, s.reason) })
        : words.state[s.result];
    case 'refused':
      return words.refusedBecause({ reason: reasonText(t, s.reason) });
    case 'forwarded':
      return words.state.forwarded;
  }
}

function EventLine({ entry }: { entry: StoredEntry }) {
  const { language, catalogue: t } = useLanguage();
  const e = entry.event;
  return (
    <>
      <time class="when" dateTime={e.occurredAt}>
        {formatTime(language, e.occurredAt)}
      </time>{' '}
      <span class="what">
        {t.status.recent.event({
          action: t.words.action[e.type],
          serial: e.code,
          node: e.nodeCode,
          badge: e.operatorBadge,
        })}
      </span>
    </>
  );
}

export function RefusedEvents(props: {
  entries: StoredEntry[];
  onDiscard: (id: string) => void;
  onRetry: (id: string) => void;
}) {
  const t = useText();
  if (props.entries.length === 0) return null;
  return (
    <section class="refused" data-testid="refused" aria-labelledby="refused-heading">
      <h2 id="refused-heading">{t.status.refused.heading}</h2>
      <ul>
        {props.entries.map((r) => (
          <li key={r.id}>
            <p>
              <EventLine entry={r} />
            </p>
            <p>
              <strong>{r.state.kind === 'refused' ? reasonText(t, r.state.reason) : ''}</strong>
            </p>
            <div class="controls">
              <button type="button" onClick={() => props.onRetry(r.id)}>
                {t.status.refused.sendAgain}
              </button>
              <button type="button" class="danger" onClick={() => props.onDiscard(r.id)}>
                {t.status.refused.discard}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RecentEvents({ entries }: { entries: StoredEntry[] }) {
  const t = useText();
  if (entries.length === 0) return null;
  return (
    <section class="recent" data-testid="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading">{t.status.recent.heading}</h2>
      <ul>
        {entries.map((r) => (
          <li key={r.id} class={`state-${r.state.kind}`}>
            <EventLine entry={r} /> · <span class="state">{stateText(t, r)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
