/** @module "Live · last change 14:05:09" while the stream is up; "As of 14:05:09" (amber) once it drops. */
import { formatTime } from '../../i18n/format';
import { useConsoleText } from '../i18n/language';
import type { LiveState } from '../models/live-model';

export function LiveIndicator(props: { state: LiveState }) {
  const { t, language } = useConsoleText();
  const { state } = props;
  const text =
    state.kind === 'connecting'
      ? t.live.connecting
      : state.kind === 'dropped'
        ? t.live.asOf({ time: formatTime(language, state.asOf) })
        : state.lastChangeAt === null
          ? t.live.live
          : t.live.lastChange({ time: formatTime(language, state.lastChangeAt) });
  return (
    <p class={`live-indicator live-${state.kind}`} role="status" data-live={state.kind}>
      {text}
    </p>
  );
}
