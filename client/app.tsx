/**
 * @module The station screen: status bar, the operators signed in (one active; PIN checked offline;
 * inactivity locks), the tokens at this station's nodes, and a token card with the actions its
 * state allows (the shared state machine decides, offline too). Scans come from a keyboard-wedge
 * scanner, the camera or the keyboard, and may be command barcodes. Every action is written to the
 * outbox before the screen says "recorded"; the sync engine delivers it when it can.
 */
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { uuidv7 } from 'uuidv7';
import type { OperatorEventType } from '../shared/domain';
import type { IndexedGraph } from '../shared/routing-graph';
import { indexGraph } from '../shared/routing-graph';
import type { Snapshot, SnapshotToken } from '../shared/station-api';
import { ACTION_LABEL, allowedActions } from '../shared/token-machine';
import type { StoredEntry } from './db/outbox-store';
import { OutboxFullError, OutboxStore, StationDb } from './db/outbox-store';
import { parseCommand } from './scan/commands';
import { createDuplicateFilter } from './scan/duplicate-filter';
import { parseScan } from './scan/gs1';
import { createWedgeDetector } from './scan/wedge';
import type { LocalOverlay } from './station/local-view';
import { predictToken, settleOverlay, tokenState, withOverlay } from './station/local-view';
import type { OperatorSession } from './station/operator-session';
import {
  lock,
  lockIfIdle,
  lockedOutFor,
  loadSession,
  pinFailed,
  saveSession,
  signIn,
  signOut,
} from './station/operator-session';
import { verifyPin } from './station/pin';
import { loadCachedSnapshot, pullSnapshot, saveCachedSnapshot } from './station/snapshot-cache';
import type { UpdateOffer } from './station/updates';
import { registerServiceWorker } from './station/updates';
import type { SyncStatus } from './sync/sync-engine';
import { SyncEngine, fetchTransport } from './sync/sync-engine';
import { refreshUpstreamStates } from './sync/upstream-status';
import { stalledMinutes } from './sync/watchdog';
import { CommandsPage } from './ui/commands-page';
import type { Outcome } from './ui/feedback';
import { signal } from './ui/feedback';
import { OperatorBar, PinPrompt } from './ui/operator-bar';
import { RecentEvents, RefusedEvents } from './ui/recent-events';
import { StatusBar } from './ui/status-bar';
import { TokenCard, needsDetail } from './ui/token-card';

const LABEL = ACTION_LABEL;
const SYNC_LOCK = 'scan-station.sync';
const CHANNEL = 'scan-station';
const OVERLAY_KEY = 'scan-station.local-overlay';
/** How often the page tries to sync on its own (it also syncs after each action and when online). */
const SYNC_INTERVAL_MS = 5000;
/** How often the inactivity lock and the stall watchdog look at the clock. */
const TICK_MS = 10_000;
/** Settled events older than this leave the tablet's outbox. */
const KEEP_SETTLED_MS = 7 * 24 * 3600_000;
const RECENT_SHOWN = 15;

type Message = { kind: 'recorded' | 'refused' | 'duplicate'; text: string };

export function App({ token, problem }: { token: string | null; problem: string | null }) {
  const [update, setUpdate] = useState<UpdateOffer | null>(null);
  useEffect(() => registerServiceWorker(setUpdate), []);
  if (location.pathname === '/commands') return <CommandsPage />;
  if (!token) {
    return (
      <main class="screen">
        <h1>Scan station</h1>
        {problem ? (
          <p class="message refused" role="alert">
            {problem}
          </p>
        ) : null}
        <p class="notice">This tablet is not enrolled. Open the enrollment link from your supervisor.</p>
      </main>
    );
  }
  return <Station token={token} update={update} />;
}

function Station({ token, update }: { token: string; update: UpdateOffer | null }) {
  const outbox = useMemo(() => new OutboxStore(new StationDb()), []);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const engine = useMemo(
    () =>
      new SyncEngine(
        outbox,
        fetchTransport(location.origin, token),
        { now: () => new Date(), random: Math.random },
        undefined,
        setStatus,
      ),
    [outbox, token],
  );
  const [snapshot, setSnapshot] = useState<Snapshot | null>(() => loadCachedSnapshot(localStorage));
  const [overlay, setOverlay] = useState<LocalOverlay>(
    () => JSON.parse(localStorage.getItem(OVERLAY_KEY) ?? '{}') as LocalOverlay,
  );
  const [online, setOnline] = useState(navigator.onLine);
  const [session, setSession] = useState<OperatorSession>(() => loadSession(localStorage));
  const [pinFor, setPinFor] = useState<{ badge: string; name: string; hash: string } | null>(null);
  const [pinError, setPinError] = useState<string | null>(null);
  const [selected, setSelected] = useState<SnapshotToken | null>(null);
  const [choices, setChoices] = useState<SnapshotToken[]>([]);
  const [pendingAction, setPendingAction] = useState<OperatorEventType | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  // null until the outbox was read: never "0 pending" on a tablet that has a backlog.
  const [pending, setPending] = useState<number | null>(null);
  const [refused, setRefused] = useState<StoredEntry[]>([]);
  const [recent, setRecent] = useState<StoredEntry[]>([]);
  const [cameraOpen, setCameraOpen] = useState(false);
  const [Camera, setCamera] = useState<ComponentType<{
    onScan: (text: string) => void;
    onClose: () => void;
  }> | null>(null);
  const [nowMs, setNowMs] = useState(Date.now());
  const lastMovedMs = useRef(Date.now());
  const lastActivityMs = useRef(Date.now());
  const duplicates = useMemo(() => createDuplicateFilter(), []);

  useEffect(() => saveSession(localStorage, session), [session]);
  useEffect(() => localStorage.setItem(OVERLAY_KEY, JSON.stringify(overlay)), [overlay]);

  const tell = useCallback((kind: Message['kind'], text: string, outcome: Outcome) => {
    setMessage({ kind, text });
    signal(outcome);
  }, []);

  const graphs = useMemo(() => {
    const map = new Map<string, IndexedGraph>();
    for (const g of snapshot?.routings ?? []) map.set(g.code, indexGraph(g));
    return map;
  }, [snapshot]);
  const served = useMemo(
    () => new Set((snapshot?.station.nodes ?? []).map((n) => `${n.routing}\u0000${n.nodeCode}`)),
    [snapshot],
  );
  const tokens = useMemo(() => withOverlay(snapshot?.tokens ?? [], overlay), [snapshot, overlay]);

  const refreshSnapshot = useCallback(async () => {
    const fresh = await pullSnapshot(location.origin, token, loadCachedSnapshot(localStorage));
    if (!fresh) return;
    saveCachedSnapshot(localStorage, fresh);
    setSnapshot(fresh);
  }, [token]);

  const channel = useMemo(() => ('BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null), []);
  const showOutbox = useCallback(async () => {
    const count = await outbox.pendingCount();
    setPending((before) => {
      if (before === null || count < before || count === 0) lastMovedMs.current = Date.now();
      return count;
    });
    setRefused(await outbox.refused());
    setRecent(await outbox.recent(RECENT_SHOWN));
  }, [outbox]);

  // Only one tab pushes at a time (Web Locks); the others hear about it and show the same outbox.
  // The timer respects the engine's backoff (and a 429's Retry-After); an action, coming back
  // online and "Sync now" try at once.
  const sync = useCallback(
    async (when: 'now' | 'when-due' = 'now') => {
      const waitingUntil = engine.current().nextAttemptAt;
      if (when === 'when-due' && waitingUntil && Date.parse(waitingUntil) > Date.now()) return;
      const run = async () => {
        const result = await engine.sync();
        if (result.kind !== 'done') return;
        lastMovedMs.current = Date.now();
        await refreshSnapshot().catch(() => undefined);
        const first = (await outbox.nextQueued(1))[0];
        setOverlay((current) => settleOverlay(current, first ? first.seq : null));
        channel?.postMessage('outbox-changed');
        await refreshUpstreamStates(location.origin, token, outbox, () => new Date()).catch(() => 0);
      };
      if ('locks' in navigator)
        await navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, (held) => (held ? run() : undefined));
      else await run();
      await showOutbox();
    },
    [channel, engine, outbox, refreshSnapshot, showOutbox, token],
  );

  useEffect(() => {
    if (!channel) return;
    channel.onmessage = () => {
      void showOutbox();
      setSnapshot(loadCachedSnapshot(localStorage));
    };
    return () => channel.close();
  }, [channel, showOutbox]);

  useEffect(() => {
    void outbox.prune(new Date(Date.now() - KEEP_SETTLED_MS).toISOString()).then(showOutbox);
    void sync();
    const timer = setInterval(() => void sync('when-due'), SYNC_INTERVAL_MS);
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      clearInterval(timer);
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, [outbox, showOutbox, sync]);

  // The inactivity lock and the stall watchdog.
  useEffect(() => {
    const timer = setInterval(() => {
      setNowMs(Date.now());
      setSession((s) => lockIfIdle(s, lastActivityMs.current, Date.now()));
    }, TICK_MS);
    // A ref, not state: a wedge scanner's keystrokes must not re-render the screen one by one.
    const active = () => {
      lastActivityMs.current = Date.now();
    };
    addEventListener('pointerdown', active);
    addEventListener('keydown', active);
    return () => {
      clearInterval(timer);
      removeEventListener('pointerdown', active);
      removeEventListener('keydown', active);
    };
  }, []);
  useEffect(() => {
    if (!session.active) {
      setSelected(null);
      setChoices([]);
    }
  }, [session.active]);

  const actionsFor = useCallback(
    (t: SnapshotToken): OperatorEventType[] => {
      const graph = graphs.get(t.routing);
      return graph ? allowedActions(tokenState(t), graph) : [];
    },
    [graphs],
  );

  const record = useCallback(
    async (target: SnapshotToken, type: OperatorEventType, data: Record<string, unknown> = {}) => {
      const operator = session.active;
      if (!operator) return;
      if (!duplicates.accept(target.code, type, Date.now())) {
        tell('duplicate', `${LABEL[type]} ${target.code} was just recorded`, 'duplicate');
        return;
      }
      const occurredAt = new Date().toISOString();
      let entry: StoredEntry;
      try {
        entry = await outbox.record(
          {
            id: uuidv7(),
            type,
            code: target.code,
            nodeCode: target.nodeCode,
            operatorBadge: operator,
            occurredAt,
            data,
          },
          occurredAt,
        );
      } catch (error) {
        tell('refused', error instanceof OutboxFullError ? error.message : String(error), 'refused');
        return;
      }
      tell(
        'recorded',
        `${LABEL[type]} ${target.code}: recorded${navigator.onLine ? '' : ' offline'}`,
        navigator.onLine ? 'recorded' : 'recorded-offline',
      );
      const graph = graphs.get(target.routing);
      const predicted = graph
        ? predictToken(
            target,
            { type, operatorBadge: operator, data },
            graph,
            (routing, node) => served.has(`${routing}\u0000${node}`),
            occurredAt,
          )
        : undefined;
      if (predicted !== undefined)
        setOverlay((current) => ({ ...current, [String(target.id)]: { seq: entry.seq, token: predicted } }));
      setSelected(null);
      setPendingAction(null);
      await showOutbox();
      channel?.postMessage('outbox-changed');
      void sync();
    },
    [channel, duplicates, graphs, outbox, served, session.active, showOutbox, sync, tell],
  );

  const open = useCallback((t: SnapshotToken, command: OperatorEventType | null = null) => {
    setChoices([]);
    setSelected(t);
    setPendingAction(command);
  }, []);

  const onBadge = useCallback(
    (badge: string, name: string, pinHash: string | null) => {
      if (session.active === badge) {
        setMessage({ kind: 'duplicate', text: `${badge} is already signed in` });
        return;
      }
      const wait = lockedOutFor(session, badge, Date.now());
      if (wait > 0) {
        tell(
          'refused',
          `Too many wrong PINs for ${badge}: try again in ${Math.ceil(wait / 1000)} s`,
          'refused',
        );
        return;
      }
      if (pinHash) {
        setPinError(null);
        setPinFor({ badge, name, hash: pinHash });
        return;
      }
      setSession((s) => signIn(s, { badge, name }));
      setMessage({ kind: 'recorded', text: `${name} (${badge}) signed in` });
    },
    [session, tell],
  );

  const onPin = useCallback(
    async (pin: string) => {
      if (!pinFor) return;
      if (await verifyPin(pin, pinFor.hash)) {
        setSession((s) => signIn(s, { badge: pinFor.badge, name: pinFor.name }));
        setMessage({ kind: 'recorded', text: `${pinFor.name} (${pinFor.badge}) signed in` });
        setPinFor(null);
        return;
      }
      const after = pinFailed(session, pinFor.badge, Date.now());
      setSession(after);
      signal('refused');
      if (lockedOutFor(after, pinFor.badge, Date.now()) > 0) {
        setPinFor(null);
        setMessage({ kind: 'refused', text: `Too many wrong PINs for ${pinFor.badge}: wait a minute` });
      } else setPinError('Wrong PIN');
    },
    [pinFor, session],
  );

  const onScan = useCallback(
    (text: string) => {
      const command = parseCommand(text);
      if (command) {
        if (!session.active) return tell('refused', 'Scan your badge first', 'refused');
        if (command.kind === 'lock') return setSession(lock);
        if (command.kind === 'close') return setSelected(null);
        if (!selected) return tell('refused', `Scan a token first, then ${LABEL[command.action]}`, 'refused');
        if (!actionsFor(selected).includes(command.action))
          return tell(
            'refused',
            `${LABEL[command.action]} is not possible for ${selected.code} (${selected.status} at ${selected.nodeCode})`,
            'refused',
          );
        if (needsDetail(command.action)) return open(selected, command.action);
        return void record(selected, command.action);
      }
      const { code } = parseScan(text);
      const operator = snapshot?.operators?.find((o) => o.badge === code);
      if (operator) return onBadge(operator.badge, operator.name, operator.pinHash);
      if (!session.active)
        return tell(
          'refused',
          session.signedIn.length > 0
            ? 'The station is locked: scan your badge'
            : `Badge ${code} is not known here`,
          'refused',
        );
      const found = tokens.filter((t) => t.code === code);
      if (found.length === 1) return open(found[0] as SnapshotToken);
      if (found.length > 1) return setChoices(found);
      tell('refused', `${code} is not waiting at this station`, 'refused');
    },
    [actionsFor, onBadge, open, record, selected, session, snapshot, tell, tokens],
  );

  // Keyboard-wedge scanners type anywhere on the screen, outside text fields. One listener for the
  // page's life (it reads the latest onScan through a ref), so no keystroke falls between two.
  const wedge = useRef(createWedgeDetector());
  const onScanRef = useRef(onScan);
  onScanRef.current = onScan;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const inTextField =
        !!target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      const verdict = wedge.current.onKey({ key: e.key, atMs: e.timeStamp, inTextField });
      if (verdict.consume) e.preventDefault();
      if (verdict.scan) onScanRef.current(verdict.scan);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const openCamera = useCallback(() => {
    setCameraOpen(true);
    if (!Camera)
      void import('./scan/camera-scanner')
        .then((m) => setCamera(() => m.default))
        .catch(() => {
          setCameraOpen(false);
          tell('refused', 'The camera scanner could not be loaded', 'refused');
        });
  }, [Camera, tell]);

  const stalled = stalledMinutes({ pending: pending ?? 0, online, lastMovedMs: lastMovedMs.current, nowMs });
  const [manual, setManual] = useState('');
  const current = status ?? engine.current();
  const activeOperator = session.signedIn.find((o) => o.badge === session.active) ?? null;
  return (
    <main class="screen">
      <StatusBar
        online={online}
        status={current}
        pending={pending}
        stationName={snapshot?.station.name ?? ''}
        onSyncNow={() => void sync()}
      />
      {stalled !== null ? (
        <p class="message alarm" role="alert" data-testid="stalled">
          {pending === 1 ? '1 event has' : `${pending} events have`} not moved for {stalled} min although the
          network is up
          {current.lastError ? ` (${current.lastError})` : ''}. Tell your supervisor.
        </p>
      ) : null}
      {update ? (
        <p class="update" data-testid="update">
          A new version of the station app is ready.{' '}
          {pending === 0 && !selected ? (
            <button type="button" onClick={update.apply}>
              Update now
            </button>
          ) : (
            <span>It installs once every scan is delivered and no card is open.</span>
          )}
        </p>
      ) : null}
      {message ? (
        <p class={`message ${message.kind}`} role="status" data-testid="message">
          {message.text}
        </p>
      ) : null}
      <OperatorBar
        session={session}
        onSignOut={(badge) => setSession((s) => signOut(s, badge))}
        onLock={() => setSession(lock)}
      />
      {pinFor ? (
        <PinPrompt
          badge={pinFor.badge}
          name={pinFor.name}
          error={pinError}
          onSubmit={(pin) => void onPin(pin)}
          onCancel={() => setPinFor(null)}
        />
      ) : null}
      <form
        class="manual"
        onSubmit={(e) => {
          e.preventDefault();
          if (manual.trim()) onScan(manual.trim());
          setManual('');
        }}
      >
        <input
          aria-label={activeOperator ? 'Scan or type a code' : 'Scan or type your badge'}
          value={manual}
          onInput={(e) => setManual((e.target as HTMLInputElement).value)}
          placeholder={activeOperator ? 'Scan or type a code' : 'Scan or type your badge'}
        />
        <button type="submit">OK</button>
        <button type="button" onClick={openCamera}>
          Camera
        </button>
      </form>
      {cameraOpen && Camera ? <Camera onScan={onScan} onClose={() => setCameraOpen(false)} /> : null}
      {choices.length > 0 ? (
        <section class="choices" aria-label="Which one?">
          <h2>{choices[0]?.code} is here more than once: which one?</h2>
          {choices.map((t) => (
            <button key={t.id} type="button" onClick={() => open(t)}>
              {t.branch ?? 'main'} · {t.nodeCode} · {t.status}
            </button>
          ))}
        </section>
      ) : null}
      {selected && activeOperator ? (
        <TokenCard
          token={selected}
          actions={actionsFor(selected)}
          pendingAction={pendingAction}
          onRecord={(action, data) => void record(selected, action, data)}
          onClose={() => setSelected(null)}
        />
      ) : null}
      <RefusedEvents
        entries={refused}
        onDiscard={(id) => void outbox.discard(id).then(showOutbox)}
        onRetry={(id) =>
          void outbox.retry(id, uuidv7(), new Date().toISOString()).then(async () => {
            await showOutbox();
            void sync();
          })
        }
      />
      <section class="queue">
        <h2>At my nodes</h2>
        <ul>
          {tokens.map((t) => (
            <li key={t.id}>
              <button type="button" disabled={!activeOperator} onClick={() => open(t)}>
                {t.code}
                {t.branch ? ` (${t.branch})` : ''} · {t.nodeCode} · {t.status}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <RecentEvents entries={recent} />
      <p class="links">
        <a href="/commands" target="_blank">
          Command barcodes
        </a>
      </p>
    </main>
  );
}
