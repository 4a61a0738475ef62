/**
 * @module The station screen: the status band, a refusal that came later, the last outcome, the
 * operators signed in (one active), the scan field, the token card with the actions its state
 * allows, the station's recent events and the tokens at its nodes. It renders the station's models
 * (models/station-models.ts) and hands them the operator's taps; what a scan means, when to sync
 * and what is recorded is theirs.
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Text } from './i18n/catalogue';
import { useText } from './i18n/use-text';
import { createStationModels } from './models/station-models';
import type { UpdateOffer } from './station/updates';
import { registerServiceWorker } from './station/updates';
import { useModel } from './state/use-model';
import { NotEnrolled } from './ui/not-enrolled';
import { OperatorBar, PinPrompt } from './ui/operator-bar';
import { RecentEvents, RefusedEvents } from './ui/recent-events';
import { ScanEntry } from './ui/scan-entry';
import { MessageLine, RefusalBanner, StallAlarm, UpdateNotice } from './ui/station-notices';
import { StatusBar } from './ui/status-bar';
import { TokenCard } from './ui/token-card';
import { TokenChoices, WorkList } from './ui/work-list';

export function App({ token, problem }: { token: string | null; problem: Text | null }) {
  const [update, setUpdate] = useState<UpdateOffer | null>(null);
  useEffect(() => registerServiceWorker(setUpdate), []);
  if (location.pathname === '/commands') return <CommandBarcodes />;
  if (!token) return <NotEnrolled problem={problem} />;
  return <Station token={token} update={update} />;
}

/** The printable command barcodes (/commands), loaded only there. */
function CommandBarcodes() {
  const t = useText();
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./ui/commands-page').then(
      (m) => setPage(() => m.CommandsPage),
      () => setFailed(true),
    );
  }, []);
  if (failed)
    return (
      <p class="notice alarm" role="alert">
        {t.status.commandBarcodesFailed}
      </p>
    );
  return Page ? <Page /> : null;
}

function Station({ token, update }: { token: string; update: UpdateOffer | null }) {
  const t = useText();
  const models = useMemo(() => createStationModels(token), [token]);
  const { feedback, session, view, sync, recorder, router } = models;
  useEffect(() => models.start(), [models]);
  const { message } = useModel(feedback);
  const { session: operators, pinFor, pinError } = useModel(session);
  const { snapshot, tokens, pending, refused, lateRefused, recent } = useModel(view);
  const loop = useModel(sync);
  const { selected, choices, pendingAction, scrapping } = useModel(router);
  const active = session.active();
  const stalled = view.stalledMinutes(loop.online);
  const stationName = snapshot?.station.name ?? '';
  useEffect(() => {
    document.title = stationName ? `${stationName} · ${t.pages.appName}` : t.pages.appName;
  }, [stationName, t]);
  return (
    <main class="screen">
      <StatusBar
        online={loop.online}
        noAnswer={loop.noAnswer}
        status={loop.push}
        pending={pending}
        stationName={stationName}
        onSyncNow={() => void sync.syncNow()}
      />
      <div class="station">
        <div class="station-top">
          <RefusalBanner entries={lateRefused} onDismiss={() => view.acknowledgeRefusals()} />
          {stalled !== null ? (
            <StallAlarm minutes={stalled} pending={pending} problem={loop.push.lastProblem} />
          ) : null}
          {update ? <UpdateNotice canApply={pending === 0 && !selected} onApply={update.apply} /> : null}
          <MessageLine message={message} />
        </div>
        <div class="station-work">
          <OperatorBar
            session={operators}
            onSignOut={(badge) => session.signOut(badge)}
            onLock={() => session.lock()}
          />
          {pinFor ? (
            <PinPrompt
              badge={pinFor.badge}
              name={pinFor.name}
              error={pinError}
              onSubmit={(pin) => void session.submitPin(pin)}
              onCancel={() => session.cancelPin()}
            />
          ) : null}
          <ScanEntry
            signedIn={active !== null}
            onScan={(text) => router.scan(text)}
            onCameraFailed={() => feedback.tell('refused', (c) => c.status.cameraFailed, 'refused')}
          />
          <TokenChoices tokens={choices} onChoose={(token) => router.open(token)} />
          {selected && active ? (
            <TokenCard
              token={selected}
              actions={view.actionsFor(selected)}
              pendingAction={pendingAction}
              onRecord={(action, data) => void router.record(selected, action, data)}
              onClose={() => router.close()}
              scrapping={scrapping && scrapping.token.id === selected.id ? scrapping : null}
              onUndo={() => router.undoScrap()}
            />
          ) : null}
          <WorkList tokens={tokens} enabled={active !== null} onOpen={(token) => router.open(token)} />
        </div>
        <div class="station-side">
          <RefusedEvents
            entries={refused}
            onDiscard={(id) => void recorder.discard(id)}
            onRetry={(id) => void recorder.recordAgain(id)}
          />
          <RecentEvents entries={recent} />
          <p class="links">
            <a href="/commands" target="_blank">
              {t.status.commandBarcodes}
            </a>
          </p>
        </div>
      </div>
    </main>
  );
}
