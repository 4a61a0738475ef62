/**
 * @module The console's wall displays page (admin, SPEC SV-60, SV-67): issue a display by name and
 * get its link once (with a QR code, drawn here with uqr, for the TV to scan, and a copy button);
 * the displays with when they were issued, last seen and revoked; revoke one after a confirmation.
 */
import { useMemo, useState } from 'preact/hooks';
import { encode } from 'uqr';
import type { Display, DisplayIssued } from '../../../shared/display-api';
import { formatWhen } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import { useConsoleText } from '../i18n/language';
import type { DisplaysState } from '../models/displays-model';
import { DisplaysModel } from '../models/displays-model';
import type { PageProps } from '../page';
import { usePageModel } from '../use-page-model';
import './displays.css';

/** The link as a QR code: one SVG path of dark modules (no HTML injected). */
export function QrCode(props: { text: string; label: string }) {
  const { data, size } = useMemo(() => encode(props.text, { border: 4, ecc: 'M' }), [props.text]);
  let path = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return (
    <svg class="display-qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={props.label} data-qr>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

function IssueForm(props: { state: DisplaysState; model: DisplaysModel }) {
  const { t } = useConsoleText();
  const [name, setName] = useState('');
  return (
    <form
      class="display-issue"
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.issue(name).then((ok) => ok && setName(''));
      }}
    >
      <label>
        <span>{t.displays.name}</span>
        <input
          name="display-name"
          value={name}
          maxLength={64}
          autoComplete="off"
          aria-describedby="display-name-hint"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <p id="display-name-hint" class="display-hint">
        {t.displays.nameHint}
      </p>
      <button type="submit" class="primary" disabled={props.state.busy}>
        {props.state.busy ? t.displays.issuing : t.displays.issue}
      </button>
    </form>
  );
}

function Issued(props: { issued: DisplayIssued; onDone: () => void }) {
  const { t } = useConsoleText();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const { issued } = props;
  const copyLink = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) return setCopy('failed');
    clipboard.writeText(issued.link).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };
  return (
    <section
      class="shown-once display-issued"
      aria-labelledby="display-issued-heading"
      data-issued={issued.display.name}
    >
      <h3 id="display-issued-heading">{t.displays.issuedHeading({ name: issued.display.name })}</h3>
      <p>{t.displays.issuedOnce}</p>
      <div class="shown-once-body">
        <QrCode text={issued.link} label={t.displays.qr({ name: issued.display.name })} />
        <div class="display-link">
          <label>
            <span>{t.displays.link}</span>
            <input readOnly value={issued.link} data-link onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div class="display-actions">
            <button type="button" onClick={copyLink}>
              {copy === 'copied' ? t.displays.copied : t.displays.copy}
            </button>
            <button type="button" onClick={props.onDone}>
              {t.displays.done}
            </button>
          </div>
          {copy === 'failed' && <p role="alert">{t.displays.copyFailed}</p>}
          {copy === 'copied' && (
            <p role="status" class="display-copied">
              {t.displays.copied}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function DisplayItem(props: { display: Display; state: DisplaysState; model: DisplaysModel; now: number }) {
  const { t, language } = useConsoleText();
  const { display: d, state, model } = props;
  const confirming = state.confirming === d.name;
  return (
    <li class={`card display-item${d.revokedAt ? ' display-revoked' : ''}`} data-display={d.name}>
      <h4>{d.name}</h4>
      <dl class="card-facts">
        <div>
          <dt>{t.displays.colIssued}</dt>
          <dd>
            {t.displays.issuedBy({ time: formatWhen(language, d.issuedAt, props.now), by: d.issuedBy })}
          </dd>
        </div>
        <div>
          <dt>{t.displays.colLastSeen}</dt>
          <dd>{d.lastSeenAt ? formatWhen(language, d.lastSeenAt, props.now) : t.displays.never}</dd>
        </div>
        <div>
          <dt>{t.displays.colState}</dt>
          <dd data-state={d.revokedAt ? 'revoked' : 'in-use'}>
            {d.revokedAt
              ? t.displays.revokedAt({ time: formatWhen(language, d.revokedAt, props.now) })
              : t.displays.inUse}
          </dd>
        </div>
      </dl>
      {!d.revokedAt && !confirming && (
        <button
          type="button"
          aria-label={t.displays.revokeLabel({ name: d.name })}
          onClick={() => model.askRevoke(d.name)}
        >
          {t.displays.revoke}
        </button>
      )}
      {confirming && (
        <div class="confirm-panel" role="alertdialog" aria-labelledby={`confirm-${d.name}`}>
          <p id={`confirm-${d.name}`}>{t.displays.confirm({ name: d.name })}</p>
          <div class="display-actions">
            <button
              type="button"
              class="danger"
              disabled={state.busy}
              onClick={() => void model.revoke(d.name)}
            >
              {t.displays.confirmYes}
            </button>
            <button type="button" onClick={() => model.cancelRevoke()}>
              {t.displays.confirmNo}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

export function DisplaysPage(props: PageProps) {
  const { t } = useConsoleText();
  const model = usePageModel(props, (p) => new DisplaysModel(p.fetcher, p.signedOut, p.clock));
  const state = useModel(model);
  const now = props.clock.now();
  return (
    <main class="page displays">
      <h2>{t.displays.heading}</h2>
      <p class="display-intro">{t.displays.intro}</p>
      <IssueForm state={state} model={model} />
      {state.problem && (
        <p class="display-problem" role="alert">
          {state.problem(t)}
        </p>
      )}
      {state.issued && <Issued issued={state.issued} onDone={() => model.dismissIssued()} />}
      <h3>{t.displays.listHeading}</h3>
      {state.loadFailed && (
        <p class="display-problem" role="status">
          {t.displays.loadFailed}
        </p>
      )}
      {state.displays === null ? (
        !state.loadFailed && <p role="status">{t.displays.loading}</p>
      ) : state.displays.length === 0 ? (
        <p>{t.displays.none}</p>
      ) : (
        <ul class="card-list">
          {state.displays.map((d) => (
            <DisplayItem key={d.name} display={d} state={state} model={model} now={now} />
          ))}
        </ul>
      )}
    </main>
  );
}
