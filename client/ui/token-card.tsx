/**
 * @module A token's card: what it is, where, in words, and exactly the actions the shared state
 * machine allows it. The action that moves it forward comes first and filled (station/primary-action.ts);
 * the others are plainer; Scrap is red, set apart, asks "are you sure" and then waits out a short
 * undo window before it is recorded (the scan router model holds that window). QC fail, Note and
 * Bind component ask for their detail on the card, within the station's length limits. On a phone
 * the card is a bottom sheet (card.css).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OperatorEventType } from '../../shared/domain';
import type { SnapshotToken } from '../../shared/station-api';
import { useText } from '../i18n/use-text';
import type { DetailField } from '../station/action-detail';
import { ACTION_DETAIL, asksFirst, counterFrom } from '../station/action-detail';
import { arrangeActions } from '../station/primary-action';

type Record_ = (action: OperatorEventType, data: Record<string, unknown>) => void;

export function TokenCard(props: {
  token: SnapshotToken;
  actions: OperatorEventType[];
  /** Set when a command barcode asked for an action that needs a detail (or Scrap's confirmation). */
  pendingAction: OperatorEventType | null;
  /** Scrap arrives here once confirmed; the scan router model then holds it for its undo window. */
  onRecord: Record_;
  onClose: () => void;
  /** This token's scrap waiting out its undo window (the router's `scrapping`), if any. */
  scrapping?: { secondsLeft: number } | null;
  onUndo?: () => void;
}) {
  const { token, onClose } = props;
  const t = useText();
  const [asking, setAsking] = useState<OperatorEventType | null>(props.pendingAction);
  useEffect(() => setAsking(props.pendingAction), [props.pendingAction]);
  // A card opened by a scan may start low on a landscape tablet: bring all of it, Scrap included,
  // into view (a phone's bottom sheet is always in view). Optional: test DOMs may lack it.
  const section = useRef<HTMLElement>(null);
  useEffect(() => section.current?.scrollIntoView?.({ block: 'nearest' }), [token.id]);
  const where = t.words.statusAt({ status: t.words.status[token.status], node: token.nodeCode });
  const record: Record_ = (action, data) => {
    setAsking(null);
    props.onRecord(action, data);
  };
  return (
    <section ref={section} class="card" data-testid="card" aria-label={t.card.label({ code: token.code })}>
      <header class="card-head">
        <h2>
          {token.code}
          {token.branch ? ` (${token.branch})` : ''}
        </h2>
        <button type="button" class="close" onClick={onClose}>
          {t.card.close}
        </button>
      </header>
      <p class="card-facts">
        <strong class="card-where">{where}</strong>
        {token.qty > 1 ? <span>{t.card.qty({ n: token.qty })}</span> : null}
        <span>{t.card.ticket({ ticket: token.ticket })}</span>
      </p>
      {props.scrapping ? (
        <ScrapUndo code={token.code} secondsLeft={props.scrapping.secondsLeft} onUndo={props.onUndo} />
      ) : asking === 'scrap' ? (
        <ScrapConfirm code={token.code} onYes={() => record('scrap', {})} onKeep={() => setAsking(null)} />
      ) : asking && ACTION_DETAIL[asking] ? (
        <DetailForm action={asking} onRecord={record} onBack={() => setAsking(null)} />
      ) : (
        <Actions actions={props.actions} onAsk={setAsking} onRecord={record} />
      )}
    </section>
  );
}

function Actions(props: {
  actions: OperatorEventType[];
  onAsk: (action: OperatorEventType) => void;
  onRecord: Record_;
}) {
  const t = useText();
  if (props.actions.length === 0) return <p>{t.card.nothingToRecord}</p>;
  const { primary, secondary, danger } = arrangeActions(props.actions);
  const button = (a: OperatorEventType, kind: string) => (
    <button
      key={a}
      type="button"
      class={`action ${kind} ${a}`}
      onClick={() => (asksFirst(a) ? props.onAsk(a) : props.onRecord(a, {}))}
    >
      {t.words.action[a]}
    </button>
  );
  return (
    <div class="card-actions" role="group" aria-label={t.card.actions}>
      <div class="actions">
        {primary ? button(primary, 'primary') : null}
        {secondary.map((a) => button(a, 'secondary'))}
      </div>
      {danger.length > 0 ? (
        <div class="actions danger-row">{danger.map((a) => button(a, 'danger'))}</div>
      ) : null}
    </div>
  );
}

function ScrapConfirm(props: { code: string; onYes: () => void; onKeep: () => void }) {
  const t = useText();
  const keep = useRef<HTMLButtonElement>(null);
  // The safe answer has the focus: Enter on a keyboard keeps the item.
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="scrap-confirm" role="alertdialog" aria-labelledby="scrap-question">
      <p id="scrap-question" class="scrap-question">
        {t.card.scrapConfirm({ code: props.code })}
      </p>
      <div class="actions">
        <button type="button" class="action danger filled" onClick={props.onYes}>
          {t.card.scrapYes}
        </button>
        <button type="button" class="action secondary" ref={keep} onClick={props.onKeep}>
          {t.card.scrapKeep}
        </button>
      </div>
    </div>
  );
}

function ScrapUndo(props: { code: string; secondsLeft: number; onUndo: (() => void) | undefined }) {
  const t = useText();
  return (
    <div class="scrap-undo" data-testid="scrap-undo">
      <p class="scrap-question" role="status">
        {t.card.scrapping({ code: props.code })}
      </p>
      {props.onUndo ? (
        <div class="actions">
          <button type="button" class="action primary undo" onClick={props.onUndo}>
            {t.card.undo({ seconds: props.secondsLeft })}
          </button>
        </div>
      ) : null}
    </div>
  );
}

function DetailForm(props: { action: OperatorEventType; onRecord: Record_; onBack: () => void }) {
  const t = useText();
  const ask = ACTION_DETAIL[props.action];
  const [detail, setDetail] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [props.action]);
  if (!ask) return null;
  const field: DetailField = ask.field;
  const label = t.card.detail[field];
  const left = ask.maxLength - detail.length;
  return (
    <form
      class="detail"
      onSubmit={(e) => {
        e.preventDefault();
        if (!detail.trim()) return;
        props.onRecord(props.action, { [field]: detail.trim().slice(0, ask.maxLength) });
        setDetail('');
      }}
    >
      <label class="detail-label" for="card-detail">
        {label}
      </label>
      <input
        id="card-detail"
        ref={input}
        value={detail}
        maxLength={ask.maxLength}
        aria-describedby="card-detail-left"
        onInput={(e) => setDetail((e.target as HTMLInputElement).value)}
      />
      <p id="card-detail-left" class="detail-left" aria-live="polite">
        {left <= counterFrom(ask.maxLength) ? t.card.charactersLeft({ n: left }) : ''}
      </p>
      <div class="actions">
        <button type="submit" class="action primary">
          {t.card.recordAction({ action: t.words.action[props.action] })}
        </button>
        <button type="button" class="action secondary" onClick={props.onBack}>
          {t.card.back}
        </button>
      </div>
    </form>
  );
}
