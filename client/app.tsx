/**
 * @module The station screen: status bar, operator sign-in by badge, the tokens at this station's
 * nodes, and a token card with the actions its state allows (the shared state machine decides,
 * offline too). Every action is written to the outbox before the screen says "recorded"; the sync
 * engine delivers it when it can.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { uuidv7 } from 'uuidv7';
import type { OperatorEventType } from '../shared/domain';
import type { IndexedGraph } from '../shared/routing-graph';
import { indexGraph } from '../shared/routing-graph';
import type { Snapshot, SnapshotToken } from '../shared/snapshot';
import type { TokenState } from '../shared/token-machine';
import { ACTION_LABEL, allowedActions } from '../shared/token-machine';
import type { StoredEntry } from './db/outbox-store';
import { OutboxFullError, OutboxStore, StationDb } from './db/outbox-store';
import { parseScan } from './scan/gs1';
import { createDuplicateFilter } from './scan/duplicate-filter';
import { createWedgeDetector } from './scan/wedge';
import type { SyncStatus } from './sync/sync-engine';
import { SyncEngine, fetchTransport } from './sync/sync-engine';

const LABEL = ACTION_LABEL;

const SNAPSHOT_KEY = 'scan-station.snapshot';
const SYNC_LOCK = 'scan-station.sync';
const CHANNEL = 'scan-station';
/** How often the page tries to sync on its own (it also syncs after each action and when online). */
const SYNC_INTERVAL_MS = 5000;

function tokenState(t: SnapshotToken): TokenState {
  return {
    key: String(t.id),
    code: t.code,
    branch: t.branch,
    parentKey: null,
    nodeCode: t.nodeCode,
    status: t.status,
    qty: t.qty,
    operator: t.operator,
  };
}

export function App({ token, problem }: { token: string | null; problem: string | null }) {
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
  return <Station token={token} />;
}

function Station({ token }: { token: string }) {
  const outbox = useMemo(() => new OutboxStore(new StationDb()), []);
  const engine = useMemo(
    () =>
      new SyncEngine(outbox, fetchTransport(location.origin, token), {
        now: () => new Date(),
        random: Math.random,
      }),
    [outbox, token],
  );
  const [snapshot, setSnapshot] = useState<Snapshot | null>(() => {
    const cached = localStorage.getItem(SNAPSHOT_KEY);
    return cached ? (JSON.parse(cached) as Snapshot) : null;
  });
  const [status, setStatus] = useState<SyncStatus>(engine.current());
  const [online, setOnline] = useState(navigator.onLine);
  const [operator, setOperator] = useState<string | null>(null);
  const [selected, setSelected] = useState<SnapshotToken | null>(null);
  const [message, setMessage] = useState<{ kind: 'recorded' | 'refused' | 'duplicate'; text: string } | null>(
    null,
  );
  const [pending, setPending] = useState(0);
  const [refused, setRefused] = useState<StoredEntry[]>([]);
  const duplicates = useMemo(() => createDuplicateFilter(), []);

  const graphs = useMemo(() => {
    const map = new Map<string, IndexedGraph>();
    for (const g of snapshot?.routings ?? []) map.set(g.code, indexGraph(g));
    return map;
  }, [snapshot]);

  const refreshSnapshot = useCallback(async () => {
    const res = await fetch('/api/v1/station/snapshot', { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return;
    const fresh = (await res.json()) as Snapshot;
    localStorage.setItem(SNAPSHOT_KEY, JSON.stringify(fresh));
    setSnapshot(fresh);
  }, [token]);

  const channel = useMemo(() => ('BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null), []);
  const showOutbox = useCallback(async () => {
    setPending(await outbox.pendingCount());
    setRefused(await outbox.refused());
  }, [outbox]);

  // Only one tab pushes at a time (Web Locks); the others hear about it and show the same outbox.
  const sync = useCallback(async () => {
    const run = async () => {
      const result = await engine.sync();
      setStatus(engine.current());
      if (result.kind === 'done') await refreshSnapshot().catch(() => undefined);
      channel?.postMessage('outbox-changed');
    };
    if ('locks' in navigator)
      await navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, (lock) => (lock ? run() : undefined));
    else await run();
    await showOutbox();
  }, [channel, engine, refreshSnapshot, showOutbox]);

  useEffect(() => {
    if (!channel) return;
    channel.onmessage = () => void showOutbox();
    return () => channel.close();
  }, [channel, showOutbox]);

  useEffect(() => {
    void sync();
    const timer = setInterval(() => void sync(), SYNC_INTERVAL_MS);
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
  }, [sync]);

  const onScan = useCallback(
    (text: string) => {
      const scan = parseScan(text);
      if (!operator) {
        const known = snapshot?.operators?.find((o) => o.badge === scan.code);
        if (known) setOperator(known.badge);
        else setMessage({ kind: 'refused', text: `Badge ${scan.code} is not known at this station` });
        return;
      }
      const found = snapshot?.tokens.find((t) => t.code === scan.code);
      if (!found) {
        setMessage({ kind: 'refused', text: `${scan.code} is not waiting at this station` });
        return;
      }
      setSelected(found);
    },
    [operator, snapshot],
  );

  // Keyboard-wedge scanners type anywhere on the screen, outside text fields.
  const wedge = useRef(createWedgeDetector());
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const inTextField =
        !!target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      const verdict = wedge.current.onKey({ key: e.key, atMs: e.timeStamp, inTextField });
      if (verdict.consume) e.preventDefault();
      if (verdict.scan) onScan(verdict.scan);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onScan]);

  const record = useCallback(
    async (type: OperatorEventType, data: Record<string, unknown> = {}) => {
      if (!selected || !operator) return;
      if (!duplicates.accept(selected.code, type, Date.now())) {
        setMessage({ kind: 'duplicate', text: `${LABEL[type]} ${selected.code} was just recorded` });
        return;
      }
      try {
        await outbox.record(
          {
            id: uuidv7(),
            type,
            code: selected.code,
            nodeCode: selected.nodeCode,
            operatorBadge: operator,
            occurredAt: new Date().toISOString(),
            data,
          },
          new Date().toISOString(),
        );
      } catch (error) {
        setMessage({
          kind: 'refused',
          text: error instanceof OutboxFullError ? error.message : String(error),
        });
        return;
      }
      setMessage({
        kind: 'recorded',
        text: `${LABEL[type]} ${selected.code}: recorded${online ? '' : ' offline'}`,
      });
      navigator.vibrate?.(60);
      setSelected(null);
      await showOutbox();
      channel?.postMessage('outbox-changed');
      void sync();
    },
    [channel, duplicates, online, operator, outbox, selected, showOutbox, sync],
  );

  const actions = useMemo(() => {
    if (!selected) return [];
    const graph = graphs.get(selected.routing);
    return graph ? allowedActions(tokenState(selected), graph) : [];
  }, [graphs, selected]);

  const [manual, setManual] = useState('');
  return (
    <main class="screen">
      <header class="status" data-testid="status">
        <span class={online ? 'online' : 'offline'}>{online ? 'Online' : 'Offline'}</span>
        <span data-testid="pending">{pending} pending</span>
        <span>
          {status.lastSuccessAt
            ? `Synced ${new Date(status.lastSuccessAt).toLocaleTimeString()}`
            : 'Not synced yet'}
        </span>
        {status.progress ? (
          <span>
            {status.progress.done}/{status.progress.total}
          </span>
        ) : null}
        <span>{snapshot?.station.name ?? ''}</span>
      </header>
      {message ? (
        <p class={`message ${message.kind}`} role="status" data-testid="message">
          {message.text}
        </p>
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
          aria-label={operator ? 'Scan or type a code' : 'Scan or type your badge'}
          value={manual}
          onInput={(e) => setManual((e.target as HTMLInputElement).value)}
          placeholder={operator ? 'Scan or type a code' : 'Scan or type your badge'}
        />
        <button type="submit">OK</button>
      </form>
      {operator ? <p class="operator">Operator {operator}</p> : null}
      {selected ? (
        <section class="card" data-testid="card">
          <h2>
            {selected.code}
            {selected.branch ? ` (${selected.branch})` : ''}
          </h2>
          <p>
            {selected.nodeCode}: {selected.status}
          </p>
          <div class="actions">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                onClick={() => {
                  if (a === 'qc_fail')
                    void record(a, { reason: prompt('Reason for the QC fail?') ?? 'not given' });
                  else if (a === 'note') void record(a, { text: prompt('Note') ?? '' });
                  else if (a === 'bind_component')
                    void record(a, { componentSerial: prompt('Component serial') ?? '' });
                  else void record(a);
                }}
              >
                {LABEL[a]}
              </button>
            ))}
          </div>
        </section>
      ) : null}
      {refused.length > 0 ? (
        <section class="refused" data-testid="refused">
          <h2>Refused by the edge server</h2>
          <ul>
            {refused.map((r) => (
              <li key={r.id}>
                {LABEL[r.event.type]} {r.event.code} at {r.event.nodeCode}:{' '}
                {r.state.kind === 'refused' ? r.state.reason.message : ''}{' '}
                <button type="button" onClick={() => void outbox.discard(r.id).then(showOutbox)}>
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section class="queue">
        <h2>At my nodes</h2>
        <ul>
          {(snapshot?.tokens ?? []).map((t) => (
            <li key={t.id}>
              <button type="button" onClick={() => setSelected(t)}>
                {t.code}
                {t.branch ? ` (${t.branch})` : ''} · {t.nodeCode} · {t.status}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
