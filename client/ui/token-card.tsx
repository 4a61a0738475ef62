/**
 * @module A token's card: what it is, where, and exactly the actions the shared state machine allows
 * it. QC fail, Note and Bind component ask for their detail on the card itself.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OperatorEventType } from '../../shared/domain';
import type { SnapshotToken } from '../../shared/station-api';
import { ACTION_LABEL } from '../../shared/token-machine';
import { ACTION_DETAIL as DETAIL, needsDetail } from '../station/action-detail';

export function TokenCard(props: {
  token: SnapshotToken;
  actions: OperatorEventType[];
  /** Set when a command barcode asked for an action that needs a detail. */
  pendingAction: OperatorEventType | null;
  onRecord: (action: OperatorEventType, data: Record<string, unknown>) => void;
  onClose: () => void;
}) {
  const { token, actions, onRecord, onClose } = props;
  const [asking, setAsking] = useState<OperatorEventType | null>(props.pendingAction);
  const [detail, setDetail] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setAsking(props.pendingAction), [props.pendingAction]);
  useEffect(() => input.current?.focus(), [asking]);
  const ask = asking ? DETAIL[asking] : undefined;
  return (
    <section class="card" data-testid="card" aria-label={`Token ${token.code}`}>
      <h2>
        {token.code}
        {token.branch ? ` (${token.branch})` : ''}
      </h2>
      <p>
        {token.nodeCode}: {token.status}
        {token.qty > 1 ? ` · qty ${token.qty}` : ''} · {token.ticket}
      </p>
      {asking && ask ? (
        <form
          class="detail"
          onSubmit={(e) => {
            e.preventDefault();
            if (!detail.trim()) return;
            onRecord(asking, { [ask.field]: detail.trim() });
            setAsking(null);
            setDetail('');
          }}
        >
          <input
            ref={input}
            aria-label={ask.label}
            placeholder={ask.label}
            value={detail}
            onInput={(e) => setDetail((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Record {ACTION_LABEL[asking]}</button>
          <button type="button" onClick={() => setAsking(null)}>
            Back
          </button>
        </form>
      ) : (
        <div class="actions">
          {actions.length === 0 ? <p>Nothing can be recorded on it here now.</p> : null}
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              class={`action ${a}`}
              onClick={() => (needsDetail(a) ? setAsking(a) : onRecord(a, {}))}
            >
              {ACTION_LABEL[a]}
            </button>
          ))}
          <button type="button" class="close" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </section>
  );
}
