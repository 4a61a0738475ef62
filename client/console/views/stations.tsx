/**
 * @module The console's stations page (SPEC SV-44 … SV-47): a card per station with its state in
 * words and colour (grey "not reporting" with the time since its last contact), what it still
 * holds unsent and since when, refused events, lost device data (seq gaps), clock skew (flagged in
 * words), waiting scans, app version and storage. Stations needing attention first (stations-model.ts).
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { Language } from '../../i18n/catalogue';
import { formatNumber, formatWhen } from '../../i18n/format';
import { useModel } from '../../state/use-model';
import { fetchStations } from '../api/stations';
import type { ConsoleCatalogue } from '../i18n/en';
import { useConsoleText } from '../i18n/language';
import type { StationsState, StationView } from '../models/stations-model';
import { StationsModel, stationViews } from '../models/stations-model';
import type { PageProps } from '../page';
import { formatDuration } from './board';
import './stations.css';

/** "512 KB", "12.5 MB", "2.1 GB". */
export function formatBytes(t: ConsoleCatalogue, language: Language, bytes: number): string {
  const one = (n: number, digits: number) =>
    formatNumber(language, Math.round(n * 10 ** digits) / 10 ** digits);
  if (bytes < 1024 * 1024) return t.stations.bytes.kb({ n: one(bytes / 1024, 0) });
  if (bytes < 1024 ** 3) return t.stations.bytes.mb({ n: one(bytes / 1024 ** 2, 1) });
  return t.stations.bytes.gb({ n: one(bytes / 1024 ** 3, 1) });
}

/** "12", or "<1" for a little used (0 % would read as empty). */
function percentOf(used: number, quota: number): string {
  if (quota <= 0) return '?';
  const percent = Math.round((100 * used) / quota);
  return percent === 0 && used > 0 ? '<1' : String(percent);
}

function Fact(props: { name: string; label: string; value: string; flagged?: boolean }) {
  return (
    <div class={`station-fact${props.flagged ? ' fact-flagged' : ''}`} data-fact={props.name}>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

function clockText(t: ConsoleCatalogue, view: StationView): string {
  const skew = view.health.clockSkewMs;
  if (skew === null) return t.stations.clockUnknown;
  if (Math.abs(skew) < 1000) return t.stations.clockExact;
  const offset = formatDuration(t, Math.abs(skew) / 1000);
  if (!view.health.clockSkewFlagged) return t.stations.clockOk({ offset });
  return skew > 0 ? t.stations.clockAhead({ offset }) : t.stations.clockBehind({ offset });
}

export function StationCard(props: { view: StationView; now: number }) {
  const { t } = useConsoleText();
  const { view, now } = props;
  const { health, state, problems } = view;
  const shown = health.revoked ? 'revoked' : state;
  return (
    <article
      class={`card station-card station-${shown}${problems.length > 0 ? ' station-attention' : ''}`}
      data-station={health.name}
      data-state={shown}
    >
      <header class="station-head">
        <h3>{health.name}</h3>
        <p class="station-wc">
          {health.workCenter ? t.stations.workCenter({ code: health.workCenter }) : t.stations.noWorkCenter}
        </p>
      </header>
      <p class={`station-state state-${shown}`} data-station-state>
        <strong>{t.stations.state[shown]}</strong>
        {view.secondsSinceContact !== null && (
          <span> · {t.stations.lastContact({ ago: formatDuration(t, view.secondsSinceContact) })}</span>
        )}
      </p>
      {problems.length > 0 && !health.revoked && <p class="station-attention-note">{t.stations.attention}</p>}
      {health.lastContactAt === null ? (
        <p class="station-no-data">{t.stations.noData}</p>
      ) : (
        <Facts view={view} now={now} />
      )}
    </article>
  );
}

/** What is known of a station that made contact; a heartbeat's figures only when it sent one. */
function Facts(props: { view: StationView; now: number }) {
  const { t, language } = useConsoleText();
  const { view, now } = props;
  const { health, problems } = view;
  const report = health.report;
  const missing = health.seqGaps.reduce((sum, g) => sum + g.missing, 0);
  const ranges = health.seqGaps
    .map((g) => (g.fromSeq === g.toSeq ? `${g.fromSeq}` : `${g.fromSeq}–${g.toSeq}`))
    .join(', ');
  return (
    <dl class="station-facts">
      <Fact
        name="unsent"
        label={t.stations.label.unsent}
        flagged={problems.includes('stale-unsent')}
        value={
          report === null
            ? t.stations.notReported
            : report.pending === 0 || report.oldestPendingAt === null
              ? t.stations.none
              : `${t.stations.unsent({ n: report.pending, oldest: formatWhen(language, report.oldestPendingAt, now) })}${
                  problems.includes('stale-unsent') ? ` · ${t.stations.unsentStale}` : ''
                }`
        }
      />
      <Fact
        name="refused"
        label={t.stations.label.refused}
        flagged={problems.includes('refused')}
        value={
          report === null
            ? t.stations.notReported
            : report.refusedCount === 0
              ? t.stations.none
              : t.stations.refused({ n: report.refusedCount })
        }
      />
      <Fact
        name="gaps"
        label={t.stations.label.gaps}
        flagged={missing > 0}
        value={missing === 0 ? t.stations.none : t.stations.gaps({ n: missing, ranges })}
      />
      <Fact
        name="clock"
        label={t.stations.label.clock}
        flagged={health.clockSkewFlagged}
        value={clockText(t, view)}
      />
      <Fact
        name="parked"
        label={t.stations.label.parked}
        value={health.parkedEvents === 0 ? t.stations.none : formatNumber(language, health.parkedEvents)}
      />
      {report !== null && (
        <>
          <Fact name="version" label={t.stations.label.version} value={report.appVersion} />
          <Fact
            name="storage"
            label={t.stations.label.storage}
            value={
              report.storage === null
                ? t.stations.storageUnknown
                : t.stations.storage({
                    used: formatBytes(t, language, report.storage.usedBytes),
                    quota: formatBytes(t, language, report.storage.quotaBytes),
                    percent: percentOf(report.storage.usedBytes, report.storage.quotaBytes),
                  })
            }
          />
          <Fact
            name="online"
            label={t.stations.label.onlineSince}
            value={
              report.onlineSince === null ? t.stations.offline : formatWhen(language, report.onlineSince, now)
            }
          />
        </>
      )}
    </dl>
  );
}

export function StationsView(props: { state: StationsState }) {
  const { t } = useConsoleText();
  const { answer, failed, now } = props.state;
  const views = stationViews(props.state);
  const count = (state: string) => views.filter((v) => !v.health.revoked && v.state === state).length;
  return (
    <main class="page stations">
      <h2>{t.stations.heading}</h2>
      {failed && (
        <p class="stations-failed" role="alert">
          {t.stations.failed}
        </p>
      )}
      {answer === null ? (
        !failed && <p>{t.stations.loading}</p>
      ) : (
        <>
          <p class="stations-summary" data-stations-summary>
            {t.stations.summary({
              total: views.length,
              reporting: count('reporting'),
              quiet: count('quiet'),
              never: count('never'),
            })}
          </p>
          <p class="stations-threshold">
            {t.stations.threshold({ duration: formatDuration(t, answer.quietAfterSeconds) })}
          </p>
          {views.length === 0 && <p>{t.stations.empty}</p>}
          <div class="card-list station-list">
            {views.map((view) => (
              <StationCard key={view.health.name} view={view} now={now} />
            ))}
          </div>
        </>
      )}
    </main>
  );
}

export function StationsPage(props: PageProps) {
  const { fetcher, signedOut, clock, bus } = props;
  const model = useMemo(
    () => new StationsModel(() => fetchStations(fetcher), signedOut, clock),
    [fetcher, signedOut, clock],
  );
  useEffect(() => {
    void model.load();
    const stop = bus.subscribe({
      kinds: ['station', 'parked'],
      changes: () => model.refresh(),
      reload: () => model.refresh(),
    });
    return () => {
      stop();
      model.stop();
    };
  }, [model, bus]);
  return <StationsView state={useModel(model)} />;
}
