/**
 * @module The status band, stuck to the top of the screen: the connection coloured by state
 * (online, sending, offline, server unreachable, tablet not accepted), how many scans wait to be
 * sent in large type, the last sync, a draining backlog's progress, the station and Sync now.
 */
import type { Catalogue, Language } from '../i18n/catalogue';
import { formatTime } from '../i18n/format';
import { useLanguage } from '../i18n/use-text';
import type { StationProblem } from '../net/station-fetch';
import type { SyncStatus } from '../sync/push-engine';
import type { Connection } from '../sync/sync-loop';
import { connectionOf } from '../sync/sync-loop';

function duration(t: Catalogue, seconds: number): string {
  const d = t.status.duration;
  if (seconds < 60) return d.seconds({ s: seconds });
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? d.minutes({ m: minutes, s: seconds % 60 })
    : d.hours({ h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** A failed request in the operator's words: by the server's error code when it sent one. */
export function problemText(t: Catalogue, problem: StationProblem): string {
  switch (problem.kind) {
    case 'network':
      return t.status.problem.network;
    case 'bad-answer':
      return t.status.problem.badAnswer;
    case 'http':
      return problem.code !== null && Object.hasOwn(t.serverErrors, problem.code)
        ? t.serverErrors[problem.code as keyof Catalogue['serverErrors']]
        : t.status.problem.http({ status: problem.status });
  }
}

function detailOf(t: Catalogue, connection: Connection, pending: number | null): string {
  const detail = t.status.band.detail;
  if (connection !== 'online') return detail[connection];
  return pending === 0 ? detail.online : detail.onlineWaiting;
}

function Progress({ status, t }: { status: SyncStatus; t: Catalogue }) {
  const progress = status.progress;
  if (!progress || progress.total === 0 || progress.done >= progress.total) return null;
  const rate = Math.round(progress.eventsPerSecond);
  return (
    <p class="band-progress" data-testid="progress">
      <progress max={progress.total} value={progress.done} />{' '}
      {t.status.band.progress({ done: progress.done, total: progress.total, rate })}
      {progress.secondsLeft !== null ? (
        <> · {t.status.band.timeLeft({ duration: duration(t, progress.secondsLeft) })}</>
      ) : null}
    </p>
  );
}

function Retry({ status, t, language }: { status: SyncStatus; t: Catalogue; language: Language }) {
  if (status.state !== 'waiting' || !status.nextAttemptAt) return null;
  return (
    <p class="band-retry">
      {status.lastProblem && status.lastProblem.kind !== 'network' ? (
        <>{problemText(t, status.lastProblem)} </>
      ) : null}
      {t.status.band.retryAt({ time: formatTime(language, status.nextAttemptAt) })}
    </p>
  );
}

export function StatusBar(props: {
  /** The browser says it is online. */
  online: boolean;
  /** The last exchange with the edge server got no answer (sync-loop.ts). */
  noAnswer: boolean;
  status: SyncStatus;
  /** null while the outbox is being read. */
  pending: number | null;
  stationName: string;
  onSyncNow: () => void;
}) {
  const { status, pending, stationName, onSyncNow } = props;
  const connection = connectionOf({ online: props.online, noAnswer: props.noAnswer, push: status });
  const { language, catalogue: t } = useLanguage();
  const band = t.status.band;
  return (
    <header class={`band band-${connection}`} data-testid="status" data-state={connection}>
      <h1 class="band-station">{stationName || t.pages.appName}</h1>
      <div class="band-connection" role="status">
        <strong class="band-word" data-testid="connection">
          {band.state[connection]}
        </strong>{' '}
        <span class="band-detail">{detailOf(t, connection, pending)}</span>
      </div>
      <p class={pending ? 'band-pending waiting' : 'band-pending'} data-testid="pending">
        {pending === null ? band.counting : band.pending({ n: pending })}
      </p>
      <p class="band-sync" data-testid="last-sync">
        {status.lastSuccessAt
          ? band.lastSync({ time: formatTime(language, status.lastSuccessAt) })
          : band.neverSynced}
      </p>
      <Progress status={status} t={t} />
      <Retry status={status} t={t} language={language} />
      <button type="button" class="band-sync-now" onClick={onSyncNow} disabled={status.state === 'syncing'}>
        {band.syncNow}
      </button>
    </header>
  );
}
