/**
 * @module The lines above the work: the stall alarm, a waiting app update, and what the last scan
 * or action came to.
 */
import type { Message } from './feedback';

export function StallAlarm(props: { minutes: number; pending: number | null; lastError: string | null }) {
  const { minutes, pending, lastError } = props;
  return (
    <p class="message alarm" role="alert" data-testid="stalled">
      {pending === 1 ? '1 event has' : `${pending} events have`} not moved for {minutes} min although the
      network is up
      {lastError ? ` (${lastError})` : ''}. Tell your supervisor.
    </p>
  );
}

/** An update installs only once every scan is delivered and no card is open. */
export function UpdateNotice(props: { canApply: boolean; onApply: () => void }) {
  return (
    <p class="update" data-testid="update">
      A new version of the station app is ready.{' '}
      {props.canApply ? (
        <button type="button" onClick={props.onApply}>
          Update now
        </button>
      ) : (
        <span>It installs once every scan is delivered and no card is open.</span>
      )}
    </p>
  );
}

export function MessageLine({ message }: { message: Message }) {
  return (
    <p class={`message ${message.kind}`} role="status" data-testid="message">
      {message.text}
    </p>
  );
}
