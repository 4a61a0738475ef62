/**
 * @module The station screen: status bar, the operators signed in (one active), the tokens at this
 * station's nodes, and a token card with the actions its state allows. It renders the station's
 * models (models/station-models.ts) and hands them the operator's taps; what a scan means, when
 * to sync and what is recorded is theirs.
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createStationModels } from './models/station-models';
import type { UpdateOffer } from './station/updates';
import { registerServiceWorker } from './station/updates';
import { useModel } from './state/use-model';
import { NotEnrolled } from './ui/not-enrolled';
import { OperatorBar, PinPrompt } from './ui/operator-bar';
import { RecentEvents, RefusedEvents } from './ui/recent-events';
import { ScanEntry } from './ui/scan-entry';
import { MessageLine, StallAlarm, UpdateNotice } from './ui/station-notices';
import { StatusBar } from './ui/status-bar';
import { TokenCard } from './ui/token-card';
import { TokenChoices, WorkList } from './ui/work-list';

export function App({ token, problem }: { token: string | null; problem: string | null }) {
  const [update, setUpdate] = useState<UpdateOffer | null>(null);
  useEffect(() => registerServiceWorker(setUpdate), []);
  if (location.pathname === '/commands') return <CommandBarcodes />;
  if (!token) return <NotEnrolled problem={problem} />;
  return <Station token={token} update={update} />;
}

/** The printable command barcodes (/commands), loaded only there. */
function CommandBarcodes() {
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
      <p class="message refused" role="alert">
        The command barcodes could not be loaded
      </p>
    );
  return Page ? <Page /> : null;
}

function Station({ token, update }: { token: string; update: UpdateOffer | null }) {
  const models = useMemo(() => createStationModels(token), [token]);
  useEffect(() => models.start(), [models]);
  const { feedback, session, view, sync, recorder, router } = models;
  const { message } = useModel(feedback);
  const { session: operators, pinFor, pinError } = useModel(session);
  const { snapshot, tokens, pending, refused, recent } = useModel(view);
  const { online, push } = useModel(sync);
  const { selected, choices, pendingAction } = useModel(router);
  const active = session.active();
  const stalled = view.stalledMinutes(online);
  return (
    <main class="screen">
      <StatusBar
        online={online}
        status={push}
        pending={pending}
        stationName={snapshot?.station.name ?? ''}
        onSyncNow={() => void sync.syncNow()}
      />
      {stalled !== null ? (
        <StallAlarm minutes={stalled} pending={pending} lastError={push.lastError} />
      ) : null}
      {update ? <UpdateNotice canApply={pending === 0 && !selected} onApply={update.apply} /> : null}
      {message ? <MessageLine message={message} /> : null}
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
        onCameraFailed={() => feedback.tell('refused', 'The camera scanner could not be loaded', 'refused')}
      />
      <TokenChoices tokens={choices} onChoose={(t) => router.open(t)} />
      {selected && active ? (
        <TokenCard
          token={selected}
          actions={view.actionsFor(selected)}
          pendingAction={pendingAction}
          onRecord={(action, data) => void router.record(selected, action, data)}
          onClose={() => router.close()}
        />
      ) : null}
      <RefusedEvents
        entries={refused}
        onDiscard={(id) => void recorder.discard(id)}
        onRetry={(id) => void recorder.recordAgain(id)}
      />
      <WorkList tokens={tokens} enabled={active !== null} onOpen={(t) => router.open(t)} />
      <RecentEvents entries={recent} />
      <p class="links">
        <a href="/commands" target="_blank">
          Command barcodes
        </a>
      </p>
    </main>
  );
}
