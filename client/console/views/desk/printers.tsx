/**
 * @module The planning desk's label printers page (admin, SPEC DK-50 … DK-63): the printers with
 * their status in words and colour (disable, remove after a confirmation), adding a printer (a
 * label size preset or another size), printing a ticket's labels in Thai or English on a printer
 * (its serials shown, all chosen), and the print queue: each label waiting, sent or failed with
 * the printer's error in words, retried, or printed again with a reason.
 */
import { useState } from 'preact/hooks';
import type { PrintJob, PrintLanguage, Printer, PrinterDpi } from '../../../../shared/printing-api';
import { LABEL_PRESETS, PRINTER_DPIS, RAW_PRINT_PORT } from '../../../../shared/printing-api';
import { formatNumber, formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { JobFilter, PrintersState } from '../../models/printers-model';
import { PrintersModel } from '../../models/printers-model';
import type { PageProps } from '../../page';
import { usePageModel } from '../../use-page-model';
import './printers.css';

type Props = { state: PrintersState; model: PrintersModel };

function PrinterCard(props: Props & { printer: Printer; now: number }) {
  const { t, language } = useConsoleText();
  const { printer: p, state, model } = props;
  const confirming = state.confirmingRetire === p.name;
  const shownState = p.enabled ? p.status.state : 'disabled';
  return (
    <li class={`card printer-card printer-state-${shownState}`} data-printer={p.name} data-state={shownState}>
      <h4>{p.name}</h4>
      <dl class="card-facts">
        <div>
          <dt>{t.printers.address}</dt>
          <dd>
            {p.host}:{p.port}
          </dd>
        </div>
        <div>
          <dt>{t.printers.labelSize}</dt>
          <dd>
            {t.printers.size({
              width: formatNumber(language, p.labelWidthMm),
              height: formatNumber(language, p.labelHeightMm),
            })}
            {' · '}
            {t.printers.dpi({ dpi: p.dpi })}
          </dd>
        </div>
        <div>
          <dt>{t.printers.status}</dt>
          <dd data-printer-status>
            {p.enabled ? t.printers.state[p.status.state] : t.printers.disabled}
            {p.status.at && ` · ${formatWhen(language, p.status.at, props.now)}`}
          </dd>
        </div>
      </dl>
      {p.status.problems.length > 0 && (
        <p class="printer-problems" data-printer-problems>
          {t.printers.problems({ list: p.status.problems.map((x) => t.printers.problem[x]).join(', ') })}
        </p>
      )}
      {p.status.message && p.status.problems.length === 0 && (
        <p class="printer-detail">
          {t.printers.detail}: {p.status.message}
        </p>
      )}
      <p data-printer-jobs>{t.printers.jobsWaiting({ queued: p.queued, failed: p.failed })}</p>
      {!confirming && (
        <div class="printer-actions">
          <button
            type="button"
            disabled={state.busy}
            aria-label={
              p.enabled ? t.printers.disableLabel({ name: p.name }) : t.printers.enableLabel({ name: p.name })
            }
            onClick={() => void model.setEnabled(p.name, !p.enabled)}
          >
            {p.enabled ? t.printers.disable : t.printers.enable}
          </button>
          <button
            type="button"
            aria-label={t.printers.retireLabel({ name: p.name })}
            onClick={() => model.askRetire(p.name)}
          >
            {t.printers.retire}
          </button>
        </div>
      )}
      {confirming && (
        <div class="confirm-panel" role="alertdialog" aria-labelledby={`retire-${p.name}`}>
          <p id={`retire-${p.name}`}>{t.printers.confirmRetire({ name: p.name })}</p>
          <div class="printer-actions">
            <button
              type="button"
              class="danger"
              disabled={state.busy}
              onClick={() => void model.retire(p.name)}
            >
              {t.printers.confirmRetireYes}
            </button>
            <button type="button" onClick={() => model.cancelRetire()}>
              {t.printers.confirmNo}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

type Preset = (typeof LABEL_PRESETS)[number]['id'] | 'custom';

interface SizeProps {
  preset: Preset;
  setPreset: (p: Preset) => void;
  width: string;
  setWidth: (v: string) => void;
  height: string;
  setHeight: (v: string) => void;
}

/** A label size: a preset, or another size in millimetres. */
function SizeChoice(props: SizeProps) {
  const { t } = useConsoleText();
  const { preset, setPreset, width, setWidth, height, setHeight } = props;
  return (
    <fieldset class="printer-sizes">
      <legend>{t.printers.sizePreset}</legend>
      {(['50x25', '4x6in', 'custom'] as const).map((id) => (
        <label key={id} class="printer-choice">
          <input
            type="radio"
            name="printer-size"
            value={id}
            checked={preset === id}
            onChange={() => setPreset(id)}
          />
          <span>{t.printers.preset[id]}</span>
        </label>
      ))}
      {preset === 'custom' && (
        <div class="printer-fields">
          <PrinterField
            narrow
            label={t.printers.widthMm}
            name="printer-width"
            value={width}
            inputMode="decimal"
            onInput={setWidth}
          />
          <PrinterField
            narrow
            label={t.printers.heightMm}
            name="printer-height"
            value={height}
            inputMode="decimal"
            onInput={setHeight}
          />
        </div>
      )}
    </fieldset>
  );
}

/** A labelled text field of the printer forms (narrow: a number's width). */
function PrinterField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  narrow?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'url';
  maxLength?: number;
  describedBy?: string;
}) {
  return (
    <label class={props.narrow ? 'printer-narrow' : undefined}>
      <span>{props.label}</span>
      <input
        name={props.name}
        value={props.value}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        autoComplete="off"
        aria-describedby={props.describedBy}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

function AddPrinterForm(props: Props) {
  const { t } = useConsoleText();
  const [name, setName] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState(String(RAW_PRINT_PORT));
  const [dpi, setDpi] = useState<PrinterDpi>(203);
  const [preset, setPreset] = useState<Preset>('50x25');
  const [width, setWidth] = useState('50');
  const [height, setHeight] = useState('25');
  const submit = (event: Event) => {
    event.preventDefault();
    const chosen = LABEL_PRESETS.find((p) => p.id === preset);
    void props.model
      .add({
        name: name.trim(),
        host: host.trim(),
        port: Number(port),
        dpi,
        labelWidthMm: chosen ? chosen.widthMm : Number(width),
        labelHeightMm: chosen ? chosen.heightMm : Number(height),
      })
      .then((ok) => {
        if (!ok) return;
        setName('');
        setHost('');
        setPort(String(RAW_PRINT_PORT));
      });
  };
  return (
    <form class="form-panel printer-form" onSubmit={submit} aria-labelledby="printer-add-heading">
      <h3 id="printer-add-heading">{t.printers.addHeading}</h3>
      <div class="printer-fields">
        <PrinterField
          label={t.printers.name}
          name="printer-name"
          value={name}
          maxLength={64}
          describedBy="printer-name-hint"
          onInput={setName}
        />
      </div>
      <p id="printer-name-hint" class="printer-hint">
        {t.printers.nameHint}
      </p>
      <div class="printer-fields">
        <PrinterField
          label={t.printers.host}
          name="printer-host"
          value={host}
          maxLength={253}
          inputMode="url"
          onInput={setHost}
        />
        <PrinterField
          narrow
          label={t.printers.port}
          name="printer-port"
          value={port}
          maxLength={5}
          inputMode="numeric"
          onInput={setPort}
        />
        <label class="printer-narrow">
          <span>{t.printers.resolution}</span>
          <select
            name="printer-dpi"
            value={String(dpi)}
            onChange={(e) => setDpi(Number(e.currentTarget.value) as PrinterDpi)}
          >
            {PRINTER_DPIS.map((d) => (
              <option key={d} value={String(d)}>
                {t.printers.dpi({ dpi: d })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <SizeChoice
        preset={preset}
        setPreset={setPreset}
        width={width}
        setWidth={setWidth}
        height={height}
        setHeight={setHeight}
      />
      <button type="submit" class="primary" disabled={props.state.busy}>
        {props.state.busy ? t.printers.adding : t.printers.add}
      </button>
    </form>
  );
}

function SerialChoice(props: Props) {
  const { t } = useConsoleText();
  const { ticket, chosen } = props.state;
  if (!ticket) return null;
  const all = chosen.length === ticket.serials.length;
  return (
    <fieldset class="printer-serials" data-ticket-serials={ticket.ticket.code}>
      <legend>
        {t.printers.ticketSerials({
          ticket: ticket.ticket.code,
          routing: ticket.ticket.routingName,
          count: ticket.serials.length,
        })}
      </legend>
      <label class="printer-choice">
        <input
          type="checkbox"
          checked={all}
          onChange={(e) => props.model.choose(null, e.currentTarget.checked)}
        />
        <span>{t.printers.allSerials}</span>
      </label>
      <ul>
        {ticket.serials.map((serial) => (
          <li key={serial}>
            <label class="printer-choice">
              <input
                type="checkbox"
                checked={chosen.includes(serial)}
                data-serial={serial}
                onChange={(e) => props.model.choose(serial, e.currentTarget.checked)}
              />
              <span>{serial}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function PrintForm(props: Props) {
  const { t } = useConsoleText();
  const { state, model } = props;
  const usable = (state.printers ?? []).filter((p) => p.enabled);
  const [ticket, setTicket] = useState('');
  const [printer, setPrinter] = useState('');
  const [language, setLanguage] = useState<PrintLanguage>('th');
  const [gs1, setGs1] = useState(false);
  const chosenPrinter = usable.some((p) => p.name === printer) ? printer : (usable[0]?.name ?? '');
  const loaded = state.ticket && state.ticket.ticket.code === ticket.trim();
  return (
    <form
      class="form-panel printer-form"
      aria-labelledby="printer-print-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosenPrinter === '' || ticket.trim() === '') return;
        void model.print({ printer: chosenPrinter, ticket, language, gs1 });
      }}
    >
      <h3 id="printer-print-heading">{t.printers.printHeading}</h3>
      <div class="printer-fields">
        <label>
          <span>{t.printers.ticket}</span>
          <input
            name="print-ticket"
            value={ticket}
            maxLength={64}
            autoComplete="off"
            onInput={(e) => setTicket(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void model.findTicket(ticket);
              }
            }}
          />
        </label>
        <button
          type="button"
          class="printer-find"
          disabled={state.busy || ticket.trim() === ''}
          onClick={() => void model.findTicket(ticket)}
        >
          {t.printers.showSerials}
        </button>
      </div>
      {state.ticketProblem && (
        <p class="printer-problem" role="alert">
          {state.ticketProblem(t)}
        </p>
      )}
      {loaded && <SerialChoice state={state} model={model} />}
      <div class="printer-fields">
        <label>
          <span>{t.printers.printer}</span>
          {usable.length === 0 ? (
            <span class="printer-hint">{t.printers.noPrinter}</span>
          ) : (
            <select
              name="print-printer"
              value={chosenPrinter}
              onChange={(e) => setPrinter(e.currentTarget.value)}
            >
              {usable.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </label>
        <fieldset class="printer-language">
          <legend>{t.printers.language}</legend>
          {(['th', 'en'] as const).map((l) => (
            <label key={l} class="printer-choice">
              <input
                type="radio"
                name="print-language"
                value={l}
                checked={language === l}
                onChange={() => setLanguage(l)}
              />
              <span lang={l}>{l === 'th' ? t.printers.thai : t.printers.english}</span>
            </label>
          ))}
        </fieldset>
        <label class="printer-choice">
          <input
            type="checkbox"
            name="print-gs1"
            checked={gs1}
            onChange={(e) => setGs1(e.currentTarget.checked)}
          />
          <span>{t.printers.gs1}</span>
        </label>
      </div>
      <button
        type="submit"
        class="primary"
        disabled={state.busy || usable.length === 0 || ticket.trim() === ''}
      >
        {state.busy
          ? t.printers.printing
          : loaded
            ? t.printers.print({ count: state.chosen.length })
            : t.printers.printTicket}
      </button>
    </form>
  );
}

function JobError(props: { job: PrintJob }) {
  const { t } = useConsoleText();
  const { job } = props;
  if (!job.errorCode || job.state === 'sent') return null;
  return (
    <div class="job-error" data-job-error={job.errorCode}>
      <p>
        {t.printers.error[job.errorCode]}
        {job.problems.length > 0 &&
          ` ${t.printers.problems({ list: job.problems.map((x) => t.printers.problem[x]).join(', ') })}`}
      </p>
      {job.lastError && (
        <p class="printer-detail">
          {t.printers.detail}: {job.lastError}
        </p>
      )}
    </div>
  );
}

function ReprintForm(props: Props & { job: PrintJob }) {
  const { t } = useConsoleText();
  const [reason, setReason] = useState('');
  const id = `reason-${props.job.id}`;
  return (
    <form
      class="job-reprint"
      onSubmit={(e) => {
        e.preventDefault();
        void props.model.reprint(props.job, reason);
      }}
    >
      <label for={id}>{t.printers.reason}</label>
      <input
        id={id}
        name="reprint-reason"
        value={reason}
        maxLength={500}
        placeholder={t.printers.reasonHint}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <div class="printer-actions">
        <button type="submit" class="primary" disabled={props.state.busy}>
          {t.printers.reprintYes}
        </button>
        <button type="button" onClick={() => props.model.cancelReprint()}>
          {t.printers.cancel}
        </button>
      </div>
    </form>
  );
}

function JobItem(props: Props & { job: PrintJob; now: number }) {
  const { t, language } = useConsoleText();
  const { job, state, model } = props;
  const when = (at: string) => formatWhen(language, at, props.now);
  return (
    <li class={`card job job-${job.state}`} data-job={job.id} data-state={job.state}>
      <div class="spread-row">
        <h4>{t.printers.jobLine({ serial: job.serial, printer: job.printer })}</h4>
        <span class="job-state" data-job-state>
          {t.printers.jobState[job.state]}
        </span>
      </div>
      <p class="job-facts">
        {[
          job.ticket ? t.printers.jobTicket({ ticket: job.ticket }) : null,
          when(job.createdAt),
          t.printers.attempts({ count: job.attempts }),
          job.sentAt ? t.printers.sentAt({ time: when(job.sentAt) }) : null,
          job.state === 'queued' && job.nextAttemptAt && job.attempts > 0
            ? t.printers.nextAttempt({ time: when(job.nextAttemptAt) })
            : null,
        ]
          .filter((x) => x !== null)
          .join(' · ')}
      </p>
      {job.reprintOf !== null && job.reason && (
        <p>{t.printers.reprintOf({ id: job.reprintOf, reason: job.reason })}</p>
      )}
      <JobError job={job} />
      {state.reprinting === job.id ? (
        <ReprintForm state={state} model={model} job={job} />
      ) : (
        <div class="printer-actions">
          {job.state === 'failed' && (
            <button
              type="button"
              class="primary"
              disabled={state.busy}
              aria-label={t.printers.retryLabel({ serial: job.serial })}
              onClick={() => void model.retry(job)}
            >
              {t.printers.retry}
            </button>
          )}
          {job.state !== 'queued' && (
            <button
              type="button"
              aria-label={t.printers.reprintLabel({ serial: job.serial })}
              onClick={() => model.askReprint(job.id)}
            >
              {t.printers.reprint}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

function Queue(props: Props & { now: number }) {
  const { t } = useConsoleText();
  const { state, model } = props;
  return (
    <section class="printer-queue" aria-labelledby="printer-queue-heading">
      <div class="spread-row">
        <h3 id="printer-queue-heading">{t.printers.queueHeading}</h3>
        <div class="printer-filters" role="group" aria-label={t.printers.filter}>
          {(['all', 'queued', 'failed', 'sent'] as const satisfies readonly JobFilter[]).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={state.filter === f}
              onClick={() => void model.setFilter(f)}
            >
              {t.printers.filters[f]}
            </button>
          ))}
        </div>
      </div>
      {state.jobs === null ? (
        !state.loadFailed && <p role="status">{t.printers.loading}</p>
      ) : state.jobs.length === 0 ? (
        <p>{t.printers.queueEmpty}</p>
      ) : (
        <ul class="card-list job-list">
          {state.jobs.map((job) => (
            <JobItem key={job.id} job={job} state={state} model={model} now={props.now} />
          ))}
        </ul>
      )}
      {state.next !== null && (
        <button type="button" onClick={() => void model.more()}>
          {t.printers.more}
        </button>
      )}
    </section>
  );
}

export function PrintersPage(props: PageProps) {
  const { t } = useConsoleText();
  const model = usePageModel(props, (p) => new PrintersModel(p.fetcher, p.signedOut, p.clock));
  const state = useModel(model);
  const now = props.clock.now();
  return (
    <main class="page printers">
      <h2>{t.printers.heading}</h2>
      <p class="printer-intro">{t.printers.intro}</p>
      {state.problem && (
        <p class="printer-problem" role="alert">
          {state.problem(t)}
        </p>
      )}
      {state.notice && (
        <p class="printer-notice" role="status">
          {state.notice(t)}
        </p>
      )}
      {state.loadFailed && (
        <p class="printer-problem" role="status">
          {t.printers.loadFailed}
        </p>
      )}
      <section aria-labelledby="printer-list-heading">
        <h3 id="printer-list-heading">{t.printers.listHeading}</h3>
        {state.printers === null ? (
          !state.loadFailed && <p role="status">{t.printers.loading}</p>
        ) : state.printers.length === 0 ? (
          <p>{t.printers.none}</p>
        ) : (
          <ul class="card-list printer-list">
            {state.printers.map((p) => (
              <PrinterCard key={p.name} printer={p} state={state} model={model} now={now} />
            ))}
          </ul>
        )}
      </section>
      <div class="printer-forms">
        <PrintForm state={state} model={model} />
        <AddPrinterForm state={state} model={model} />
      </div>
      <Queue state={state} model={model} now={now} />
    </main>
  );
}
