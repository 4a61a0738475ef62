/** @module The tokens at this station's nodes, and the choice when a scanned code is here more than once. */
import type { SnapshotToken } from '../../shared/station-api';
import { useText } from '../i18n/use-text';

/** "BV-1 (EDGE-BODY) · Ready at CUT": a token in a line, its status in words. */
function TokenLine(props: { token: SnapshotToken; branchAlways?: boolean }) {
  const t = useText();
  const { token } = props;
  const branch = token.branch ?? (props.branchAlways ? t.card.mainBranch : null);
  return (
    <>
      <span class="token-code">
        {token.code}
        {branch ? ` (${branch})` : ''}
      </span>
      {' · '}
      <span class="token-where">
        {t.words.statusAt({ status: t.words.status[token.status], node: token.nodeCode })}
      </span>
    </>
  );
}

export function TokenChoices(props: { tokens: SnapshotToken[]; onChoose: (token: SnapshotToken) => void }) {
  const t = useText();
  const [first] = props.tokens;
  if (!first) return null;
  return (
    <section class="choices" aria-label={t.card.choices}>
      <h2>{t.card.hereTwice({ code: first.code })}</h2>
      <div class="choice-list">
        {props.tokens.map((token) => (
          <button key={token.id} type="button" onClick={() => props.onChoose(token)}>
            <TokenLine token={token} branchAlways />
          </button>
        ))}
      </div>
    </section>
  );
}

export function WorkList(props: {
  tokens: SnapshotToken[];
  enabled: boolean;
  onOpen: (token: SnapshotToken) => void;
}) {
  const t = useText();
  return (
    <section class="queue" aria-labelledby="work-list-heading">
      <h2 id="work-list-heading">{t.card.workList}</h2>
      {props.tokens.length === 0 ? <p>{t.card.noWork}</p> : null}
      <ul>
        {props.tokens.map((token) => (
          <li key={token.id}>
            <button type="button" disabled={!props.enabled} onClick={() => props.onOpen(token)}>
              <TokenLine token={token} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
