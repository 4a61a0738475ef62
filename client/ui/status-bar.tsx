/** @module The status bar, always on screen: online or not, pending, last sync, and a draining backlog's progress. */
import type { SyncStatus } from '../sync/push-engine';

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${seconds % 60} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function StatusBar(props: {
  online: boolean;
  status: SyncStatus;
  /** null while the outbox is being read. */
  pending: number | null;
  stationName: string;
  onSyncNow: () => void;
}) {
  const { online, status, pending, stationName, onSyncNow } = props;
  const progress = status.progress;
  return (
    <header class="status" data-testid="status">
      <span class={online ? 'online' : 'offline'}>{online ? 'Online' : 'Offline'}</span>
      <span data-testid="pending" class={pending !== 0 ? 'pending' : ''}>
        {pending ?? '…'} pending
      </span>
      <span data-testid="last-sync">
        {status.lastSuccessAt
          ? `Synced ${new Date(status.lastSuccessAt).toLocaleTimeString()}`
          : 'Not synced yet'}
      </span>
      {progress && progress.total > 0 && progress.done < progress.total ? (
        <span data-testid="progress">
          {progress.done}/{progress.total} · {Math.round(progress.eventsPerSecond)}/s
          {progress.secondsLeft !== null ? ` · ${duration(progress.secondsLeft)} left` : ''}
        </span>
      ) : null}
      {status.state === 'waiting' && status.nextAttemptAt ? (
        <span class="warning" title={status.lastError ?? ''}>
          Retrying at {new Date(status.nextAttemptAt).toLocaleTimeString()}
        </span>
      ) : null}
      {status.state === 'blocked' ? (
        <span class="alarm">
          Not accepted by the edge server: ask your supervisor to enroll this tablet again
        </span>
      ) : null}
      <span class="station-name">{stationName}</span>
      <button type="button" class="small" onClick={onSyncNow} disabled={status.state === 'syncing'}>
        Sync now
      </button>
    </header>
  );
}
