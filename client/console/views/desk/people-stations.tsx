/**
 * @module The people page's stations (SPEC DK-30 … DK-32): enroll a station (name, work center
 * from the published routings or node codes, the language of its screen) and show its link and QR
 * code once, with a copy button; the stations with their state; a new link for one; revoke one
 * after a confirmation. Their health is the floor's stations page, linked from here.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DeskStation } from '../../../../shared/people-desk-api';
import { formatDateTime, formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { ShownLink, StationForm, StationsDeskState } from '../../models/people-model';
import { StationsDeskModel } from '../../models/people-model';
import type { PageProps } from '../../page';
import { usePageModel } from '../../use-page-model';
import { routeHash } from '../../router';
import { QrCode } from '../displays';
import { Field, FormProblem, Row, controlOf } from './people-fields';

const EMPTY_FORM: StationForm = { name: '', workCenter: '', nodeCodes: '', language: '' };

function EnrollForm(props: { state: StationsDeskState; model: StationsDeskModel }) {
  const { t } = useConsoleText();
  const [form, setForm] = useState(EMPTY_FORM);
  const { fields } = props.state.form;
  const set = (changes: Partial<StationForm>) => setForm({ ...form, ...changes });
  const centers = props.state.workCenters;
  return (
    <form
      class="form-panel people-form"
      aria-labelledby="enroll-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void props.model.enroll(form).then((ok) => ok && setForm(EMPTY_FORM));
      }}
    >
      <h4 id="enroll-heading">{t.people.enrollHeading}</h4>
      <Field
        id="station-name"
        label={t.people.stationName}
        hint={t.people.stationNameHint}
        problem={fields.name}
      >
        <input
          {...controlOf('station-name', true, fields.name)}
          value={form.name}
          maxLength={64}
          autoComplete="off"
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </Field>
      <Field id="station-wc" label={t.people.workCenter} problem={fields.workCenter}>
        <select
          {...controlOf('station-wc', false, fields.workCenter)}
          value={form.workCenter}
          onChange={(e) => set({ workCenter: e.currentTarget.value })}
        >
          <option value="">{t.people.chooseWorkCenter}</option>
          {(centers ?? []).map((wc) => (
            <option key={wc.code} value={wc.code}>
              {t.people.workCenterOption({ code: wc.code, nodes: wc.nodes.join(', ') })}
            </option>
          ))}
        </select>
        {centers?.length === 0 && <p class="people-hint">{t.people.noWorkCenters}</p>}
      </Field>
      <Field
        id="station-nodes"
        label={t.people.nodeCodes}
        hint={t.people.nodeCodesHint}
        problem={fields.nodeCodes}
      >
        <input
          {...controlOf('station-nodes', true, fields.nodeCodes)}
          value={form.nodeCodes}
          autoComplete="off"
          onInput={(e) => set({ nodeCodes: e.currentTarget.value })}
        />
      </Field>
      <Field id="station-language" label={t.people.stationLanguage} problem={fields.language}>
        <select
          {...controlOf('station-language', false, fields.language)}
          value={form.language}
          onChange={(e) => set({ language: e.currentTarget.value as StationForm['language'] })}
        >
          <option value="">{t.people.siteLanguage}</option>
          <option value="th">{t.people.languageName.th}</option>
          <option value="en">{t.people.languageName.en}</option>
        </select>
      </Field>
      <div class="people-submit">
        <button type="submit" class="primary" disabled={props.state.busy}>
          {props.state.busy ? t.people.enrolling : t.people.enroll}
        </button>
      </div>
      <FormProblem problem={props.state.form.general} />
    </form>
  );
}

/** The link just made, once: QR code, the link to copy, until when it works. */
export function LinkShown(props: { link: ShownLink; onDone: () => void }) {
  const { t, language } = useConsoleText();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const { link } = props;
  useEffect(() => setCopy('idle'), [link.enrollUrl]);
  const copyLink = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) return setCopy('failed');
    clipboard.writeText(link.enrollUrl).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };
  const heading = link.kind === 'enrolled' ? t.people.enrolledHeading : t.people.relinkedHeading;
  return (
    <section class="shown-once people-link" aria-labelledby="people-link-heading" data-link-for={link.name}>
      <h4 id="people-link-heading">{heading({ name: link.name })}</h4>
      <p>{t.people.linkOnce({ time: formatDateTime(language, link.expiresAt) })}</p>
      {link.kind === 'relinked' && <p>{t.people.earlierLinkVoid}</p>}
      <div class="shown-once-body">
        <QrCode text={link.enrollUrl} label={t.people.qr({ name: link.name })} />
        <div class="people-link-text">
          <label>
            <span>{t.people.link}</span>
            <input readOnly value={link.enrollUrl} data-link onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div class="people-actions">
            <button type="button" onClick={copyLink}>
              {copy === 'copied' ? t.people.copied : t.people.copy}
            </button>
            <button type="button" onClick={props.onDone}>
              {t.people.done}
            </button>
          </div>
          {copy === 'failed' && <p role="alert">{t.people.copyFailed}</p>}
        </div>
      </div>
    </section>
  );
}

function StationCard(props: {
  station: DeskStation;
  state: StationsDeskState;
  model: StationsDeskModel;
  now: number;
}) {
  const { t, language } = useConsoleText();
  const { station: s, state, model, now } = props;
  const confirming = state.confirming === s.name;
  const when = (at: string) => formatWhen(language, at, now);
  const speaks = t.people.languageName[s.language];
  return (
    <li class={`card people-card${s.revokedAt ? ' people-card-off' : ''}`} data-station={s.name}>
      <h4>{s.name}</h4>
      <dl class="card-facts">
        <Row term={t.people.colState} data="state">
          {s.revokedAt ? t.people.revokedAt({ time: when(s.revokedAt) }) : t.people.inUse}
        </Row>
        <Row term={t.people.colWorkCenter}>{s.workCenter ?? t.people.none}</Row>
        <Row term={t.people.colNodes}>{s.nodeCodes.length > 0 ? s.nodeCodes.join(', ') : t.people.none}</Row>
        <Row term={t.people.colLanguage} data="language">
          {s.followsSiteLanguage ? t.people.followsSite({ language: speaks }) : speaks}
        </Row>
        <Row term={t.people.colEnrolled}>{when(s.enrolledAt)}</Row>
        <Row term={t.people.colLastSeen}>{s.lastSeenAt ? when(s.lastSeenAt) : t.people.never}</Row>
        <Row term={t.people.colDevices} data="devices">
          {t.people.devices({ n: s.devices })}
        </Row>
        {!s.revokedAt && (
          <Row term={t.people.colLink} data="link">
            {s.linkExpiresAt ? t.people.linkWaiting({ time: when(s.linkExpiresAt) }) : t.people.noLinkWaiting}
          </Row>
        )}
      </dl>
      {!s.revokedAt && !confirming && (
        <div class="people-actions">
          <button
            type="button"
            aria-label={t.people.newLinkLabel({ name: s.name })}
            disabled={state.busy}
            onClick={() => void model.newLink(s.name)}
          >
            {t.people.newLink}
          </button>
          <button
            type="button"
            aria-label={t.people.revokeLabel({ name: s.name })}
            onClick={() => model.askRevoke(s.name)}
          >
            {t.people.revoke}
          </button>
        </div>
      )}
      {confirming && (
        <div class="confirm-panel" role="alertdialog" aria-labelledby={`revoke-${s.name}`}>
          <p id={`revoke-${s.name}`}>{t.people.confirmRevoke({ name: s.name })}</p>
          <div class="people-actions">
            <button
              type="button"
              class="danger"
              disabled={state.busy}
              onClick={() => void model.revoke(s.name)}
            >
              {t.people.confirmYes}
            </button>
            <button type="button" onClick={() => model.cancelRevoke()}>
              {t.people.confirmNo}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

export function StationsSection(props: PageProps) {
  const { t } = useConsoleText();
  const model = usePageModel(props, (p) => new StationsDeskModel(p.fetcher, p.signedOut, p.clock));
  const state = useModel(model);
  const now = props.clock.now();
  return (
    <section class="people-section" aria-labelledby="people-stations">
      <div class="spread-row">
        <h3 id="people-stations">{t.people.stationsHeading}</h3>
        <a href={routeHash('stations')}>{t.people.healthLink}</a>
      </div>
      {/* The link just made comes first: it is what the admin needs now, and it is shown once. */}
      {state.link && <LinkShown link={state.link} onDone={() => model.dismissLink()} />}
      <EnrollForm state={state} model={model} />
      <FormProblem problem={state.problem} />
      <h4>{t.people.listHeading}</h4>
      {state.loadFailed && (
        <p class="people-problem" role="status">
          {t.people.loadFailed}
        </p>
      )}
      {state.stations === null ? (
        !state.loadFailed && <p role="status">{t.people.loading}</p>
      ) : state.stations.length === 0 ? (
        <p>{t.people.noStations}</p>
      ) : (
        <ul class="card-list people-list">
          {state.stations.map((s) => (
            <StationCard key={s.name} station={s} state={state} model={model} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
