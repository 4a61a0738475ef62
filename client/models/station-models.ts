/**
 * @module The station's models, built once per credential with the browser's parts (IndexedDB,
 * localStorage, fetch, Web Locks, BroadcastChannel, timers, the window's events) and wired to each
 * other; the screen (app.tsx) only renders them. `start()` sets the loops and listeners going.
 */
import { chooseLanguage, languages } from '../i18n/language';
import { createStationFetch } from '../net/station-fetch';
import { lazyOutbox } from '../outbox/lazy-outbox';
import { newEventId } from '../outbox/event-id';
import { createDuplicateFilter } from '../scan/duplicate-filter';
import { listenForWedgeScans } from '../scan/wedge-listener';
import { buildVersion } from '../sync/app-version';
import { broadcastChannel, browserOnline, systemClock, webLock } from '../sync/browser-ports';
import { HeartbeatReporter, browserStorage, heartbeatOver } from '../sync/heartbeat';
import { PushEngine, pushOver } from '../sync/push-engine';
import { SyncLoop } from '../sync/sync-loop';
import { refreshUpstreamStates } from '../sync/upstream-status';
import { signal } from '../ui/feedback';
import { FeedbackModel } from './feedback-model';
import { OperatorSessionModel } from './operator-session-model';
import { Recorder } from './recorder';
import { ScanRouterModel } from './scan-router-model';
import { announceLateRefusals, StationViewModel } from './station-view-model';

const SYNC_LOCK = 'scan-station.sync';
const CHANNEL = 'scan-station';
/** How often the inactivity lock and the stall watchdog look at the clock. */
const TICK_MS = 10_000;

export interface StationModels {
  feedback: FeedbackModel;
  session: OperatorSessionModel;
  view: StationViewModel;
  sync: SyncLoop;
  recorder: Recorder;
  router: ScanRouterModel;
  /** Starts the sync loop, the clock's ticks and the page's listeners; returns what stops them. */
  start(): () => void;
}

export function createStationModels(token: string, page: Window = window): StationModels {
  const now = () => Date.now();
  const storage = page.localStorage;
  const stationFetch = createStationFetch({ baseUrl: page.location.origin, token });
  const outbox = lazyOutbox(() =>
    import('../outbox/dexie-outbox').then(({ OutboxStore, StationDb }) => new OutboxStore(new StationDb())),
  );
  const feedback = new FeedbackModel(signal);
  const session = new OperatorSessionModel({ storage, now, feedback });
  const view = new StationViewModel({ outbox, storage, stationFetch, now });
  const engine = new PushEngine(outbox, pushOver(stationFetch), {
    now: () => new Date(),
    random: Math.random,
  });
  const online = browserOnline(page);
  const channel = broadcastChannel(CHANNEL);
  // SV-40: what the station holds and refused, its version, storage and clock, beside the pushes.
  const reporter = new HeartbeatReporter({
    outbox,
    send: heartbeatOver(stationFetch),
    appVersion: buildVersion(),
    storage: browserStorage(page.navigator),
    now,
  });
  const sync = new SyncLoop({
    engine,
    clock: systemClock,
    online,
    lock: webLock(SYNC_LOCK),
    channel,
    reporter,
    station: {
      pullSnapshot: () => view.pullSnapshot(),
      pullUpstream: () => refreshUpstreamStates(stationFetch, outbox, () => new Date()),
      delivered: () => view.delivered(),
      showOutbox: () => view.showOutbox(),
      changedElsewhere: () => view.changedElsewhere(),
    },
  });
  const recorder = new Recorder({
    outbox,
    session,
    view,
    feedback,
    sync,
    duplicates: createDuplicateFilter(),
    now,
    isOnline: () => online.isOnline(),
    newId: () => newEventId(),
  });
  const router = new ScanRouterModel({ session, view, recorder, feedback });

  function start(): () => void {
    void view.open();
    const touched = () => session.touch();
    page.addEventListener('pointerdown', touched);
    page.addEventListener('keydown', touched);
    const stops = [
      sync.start(),
      systemClock.every(TICK_MS, () => {
        session.lockIfIdle();
        view.tick();
      }),
      listenForWedgeScans(page, (text) => router.scan(text)),
      followLanguage(session, view),
      announceLateRefusals(view, feedback),
    ];
    // A scrap waiting out its undo window is recorded when the page goes away, not dropped.
    const commitScrap = () => void router.commitScrap();
    page.addEventListener('pagehide', commitScrap);
    stops.push(() => page.removeEventListener('pagehide', commitScrap));
    return () => {
      for (const stop of stops) stop();
      page.removeEventListener('pointerdown', touched);
      page.removeEventListener('keydown', touched);
      channel.close();
    };
  }

  return { feedback, session, view, sync, recorder, router, start };
}

/**
 * The screen speaks the active operator's chosen language, else their preferred one, else the
 * station's (i18n/language.ts).
 */
function followLanguage(session: OperatorSessionModel, view: StationViewModel): () => void {
  const follow = () => {
    const badge = session.active()?.badge ?? null;
    const snapshot = view.get().snapshot;
    void languages.use(
      chooseLanguage({
        operator: languages.operatorChoice(badge),
        preferred: snapshot?.operators?.find((o) => o.badge === badge)?.language,
        station: snapshot?.station.language,
      }),
    );
  };
  follow();
  const stops = [session.subscribe(follow), view.subscribe(follow)];
  return () => stops.forEach((stop) => stop());
}
