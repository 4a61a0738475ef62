/** @module The tokens at this station's nodes, and the choice when a scanned code is here more than once. */
import type { SnapshotToken } from '../../shared/station-api';

export function TokenChoices(props: { tokens: SnapshotToken[]; onChoose: (token: SnapshotToken) => void }) {
  if (props.tokens.length === 0) return null;
  return (
    <section class="choices" aria-label="Which one?">
      <h2>{props.tokens[0]?.code} is here more than once: which one?</h2>
      {props.tokens.map((t) => (
        <button key={t.id} type="button" onClick={() => props.onChoose(t)}>
          {t.branch ?? 'main'} · {t.nodeCode} · {t.status}
        </button>
      ))}
    </section>
  );
}

export function WorkList(props: {
  tokens: SnapshotToken[];
  enabled: boolean;
  onOpen: (token: SnapshotToken) => void;
}) {
  return (
    <section class="queue">
      <h2>At my nodes</h2>
      <ul>
        {props.tokens.map((t) => (
          <li key={t.id}>
            <button type="button" disabled={!props.enabled} onClick={() => props.onOpen(t)}>
              {t.code}
              {t.branch ? ` (${t.branch})` : ''} · {t.nodeCode} · {t.status}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
