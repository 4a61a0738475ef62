/**
 * @module The station's own events and what became of each: queued, delivered (applied, duplicate
 * or parked), refused (with the server's reason, to discard or record again), forwarded upstream.
 */
import { ACTION_LABEL } from '../../shared/token-machine';
import type { StoredEntry } from '../outbox/outbox';

function stateText(entry: StoredEntry): string {
  const s = entry.state;
  switch (s.kind) {
    case 'queued':
      return 'queued';
    case 'delivered':
      return s.result === 'parked'
        ? `parked: ${s.reason?.message ?? 'waiting for earlier events'}`
        : s.result;
    case 'refused':
      return `refused: ${s.reason.message}`;
    case 'forwarded':
      return 'forwarded upstream';
  }
}

function EventLine({ entry }: { entry: StoredEntry }) {
  const e = entry.event;
  return (
    <>
      <span class="when">{new Date(e.occurredAt).toLocaleTimeString()}</span> {ACTION_LABEL[e.type]} {e.code}{' '}
      at {e.nodeCode} · {e.operatorBadge}
    </>
  );
}

export function RefusedEvents(props: {
  entries: StoredEntry[];
  onDiscard: (id: string) => void;
  onRetry: (id: string) => void;
}) {
  if (props.entries.length === 0) return null;
  return (
    <section class="refused" data-testid="refused">
      <h2>Refused by the edge server</h2>
      <ul>
        {props.entries.map((r) => (
          <li key={r.id}>
            <EventLine entry={r} />:{' '}
            <strong>{r.state.kind === 'refused' ? r.state.reason.message : ''}</strong>{' '}
            <button type="button" onClick={() => props.onRetry(r.id)}>
              Record again
            </button>
            <button type="button" onClick={() => props.onDiscard(r.id)}>
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RecentEvents({ entries }: { entries: StoredEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <section class="recent" data-testid="recent">
      <h2>Recent</h2>
      <ul>
        {entries.map((r) => (
          <li key={r.id} class={`state-${r.state.kind}`}>
            <EventLine entry={r} /> · <span class="state">{stateText(r)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
