/**
 * @module What the station shows of its work: the cached snapshot with the station's undelivered
 * events laid over it (station/local-view.ts), the actions each token allows here, and the
 * outbox's figures (pending, refused, recent) with when it last moved, for the stall watchdog.
 * The sync loop calls it around each attempt (it is the loop's SyncStation).
 */
import type { OperatorEventType } from '../../shared/domain';
import type { IndexedGraph } from '../../shared/routing-graph';
import { indexGraph } from '../../shared/routing-graph';
import type { Snapshot, SnapshotToken } from '../../shared/station-api';
import { snapshotTokenSchema } from '../../shared/station-api';
import { allowedActions } from '../../shared/token-machine';
import * as z from 'zod/mini';
import type { StationFetch, StationResult } from '../net/station-fetch';
import type { Outbox, StoredEntry } from '../outbox/outbox';
import type { LocalOverlay } from '../station/local-view';
import { predictToken, settleOverlay, tokenState, withOverlay } from '../station/local-view';
import { loadCachedSnapshot, pullSnapshot, saveCachedSnapshot } from '../station/snapshot-cache';
import { stalledMinutes } from '../sync/watchdog';
import { Model } from '../state/model';
import type { FeedbackModel } from './feedback-model';

const OVERLAY_KEY = 'scan-station.local-overlay';
/** Settled events older than this leave the tablet's outbox. */
const KEEP_SETTLED_MS = 7 * 24 * 3600_000;
const RECENT_SHOWN = 15;

/** One token's entry in the overlay kept in storage. */
const overlayEntrySchema = z.object({ seq: z.number(), token: z.nullable(snapshotTokenSchema) });

export interface StationViewState {
  snapshot: Snapshot | null;
  overlay: LocalOverlay;
  /** The snapshot's tokens with the station's undelivered events laid over them. */
  tokens: SnapshotToken[];
  /** null until the outbox was read: never "0 pending" on a tablet that has a backlog. */
  pending: number | null;
  refused: StoredEntry[];
  /**
   * Refused events the server refused after the screen first read the outbox (on a later sync),
   * still refused and not yet acknowledged: the red banner names them.
   */
  lateRefused: StoredEntry[];
  recent: StoredEntry[];
  /** The last time the outbox moved: a drain ended, fewer events were pending, or none. */
  lastMovedMs: number;
  /** The clock as of the last tick (the stall watchdog looks at it). */
  nowMs: number;
}

export interface StationViewDeps {
  outbox: Outbox;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  stationFetch: StationFetch;
  now: () => number;
}

export class StationViewModel extends Model<StationViewState> {
  private graphs = new Map<string, IndexedGraph>();
  private served = new Set<string>();
  /** The refused events' ids at the last read; null before the first (those are not news). */
  private knownRefused: Set<string> | null = null;

  constructor(private readonly deps: StationViewDeps) {
    const nowMs = deps.now();
    super({
      snapshot: null,
      overlay: {},
      tokens: [],
      pending: null,
      refused: [],
      lateRefused: [],
      recent: [],
      lastMovedMs: nowMs,
      nowMs,
    });
    this.show(loadCachedSnapshot(deps.storage), loadOverlay(deps.storage));
  }

  /** Forgets long-settled events, then reads the outbox (when the station opens). */
  async open(): Promise<void> {
    await this.deps.outbox.prune(new Date(this.deps.now() - KEEP_SETTLED_MS).toISOString());
    await this.showOutbox();
  }

  async showOutbox(): Promise<void> {
    const { outbox, now } = this.deps;
    // The count first, on its own: it is what the status bar and the stall alarm read.
    const pending = await outbox.pendingCount();
    const before = this.get().pending;
    const moved = before === null || pending < before || pending === 0;
    this.patch({ pending, ...(moved ? { lastMovedMs: now() } : {}) });
    const refused = await outbox.refused();
    const known = this.knownRefused;
    this.knownRefused = new Set(refused.map((r) => r.id));
    const banner = new Set(this.get().lateRefused.map((r) => r.id));
    // Still refused and already on the banner, or refused since the last read.
    const lateRefused = refused.filter((r) => banner.has(r.id) || (known !== null && !known.has(r.id)));
    this.patch({ refused, lateRefused, recent: await outbox.recent(RECENT_SHOWN) });
  }

  /** The operator saw the refusal banner (the refused list below still holds the events). */
  acknowledgeRefusals(): void {
    this.patch({ lateRefused: [] });
  }

  async pullSnapshot(): Promise<StationResult<Snapshot>> {
    const pulled = await pullSnapshot(this.deps.stationFetch, this.get().snapshot);
    if (pulled.ok) {
      saveCachedSnapshot(this.deps.storage, pulled.value);
      this.show(pulled.value, this.get().overlay);
    }
    return pulled;
  }

  /** Everything queued was delivered: the overlay keeps only events still queued. */
  async delivered(): Promise<void> {
    const [first] = await this.deps.outbox.nextQueued(1);
    this.patch({ lastMovedMs: this.deps.now() });
    this.show(this.get().snapshot, settleOverlay(this.get().overlay, first ? first.seq : null));
  }

  /** Another tab pulled a snapshot or changed the outbox. */
  async changedElsewhere(): Promise<void> {
    this.show(loadCachedSnapshot(this.deps.storage), this.get().overlay);
    await this.showOutbox();
  }

  /**
   * Just recorded as `seq`: one more pending at once (the screen never says "recorded" beside the
   * count from before), and what the shared state machine makes of the token, until it is delivered.
   */
  recorded(
    target: SnapshotToken,
    action: { type: OperatorEventType; operatorBadge: string; data: Record<string, unknown> },
    seq: number,
    occurredAt: string,
  ): void {
    const pending = this.get().pending;
    if (pending !== null) this.patch({ pending: pending + 1 });
    const graph = this.graphs.get(target.routing);
    if (!graph) return;
    const served = (routing: string, node: string) => this.served.has(`${routing}\u0000${node}`);
    const predicted = predictToken(target, action, graph, served, occurredAt);
    if (predicted === undefined) return;
    const overlay = { ...this.get().overlay, [String(target.id)]: { seq, token: predicted } };
    this.show(this.get().snapshot, overlay);
  }

  /** The actions the shared state machine allows this token here and now. */
  actionsFor(token: SnapshotToken): OperatorEventType[] {
    const graph = this.graphs.get(token.routing);
    return graph ? allowedActions(tokenState(token), graph) : [];
  }

  /** Called every few seconds: the stall watchdog looks at the clock. */
  tick(): void {
    this.patch({ nowMs: this.deps.now() });
  }

  /** Minutes the outbox has not moved although events wait and the network is up; null when all is well. */
  stalledMinutes(online: boolean): number | null {
    const { pending, lastMovedMs, nowMs } = this.get();
    return stalledMinutes({ pending: pending ?? 0, online, lastMovedMs, nowMs });
  }

  private show(snapshot: Snapshot | null, overlay: LocalOverlay): void {
    const state = this.get();
    if (snapshot !== state.snapshot) {
      this.graphs = new Map((snapshot?.routings ?? []).map((g) => [g.code, indexGraph(g)]));
      this.served = new Set((snapshot?.station.nodes ?? []).map((n) => `${n.routing}\u0000${n.nodeCode}`));
    }
    if (overlay !== state.overlay) this.deps.storage.setItem(OVERLAY_KEY, JSON.stringify(overlay));
    this.patch({ snapshot, overlay, tokens: withOverlay(snapshot?.tokens ?? [], overlay) });
  }
}

/**
 * A refusal that arrives later raises the refusal tone and vibration, and a "recorded" message
 * still standing goes (the banner says what happened). Returns the function that stops it.
 */
export function announceLateRefusals(
  view: StationViewModel,
  feedback: Pick<FeedbackModel, 'refusedLater'>,
): () => void {
  let announced = new Set(view.get().lateRefused.map((r) => r.id));
  return view.subscribe(({ lateRefused }) => {
    const fresh = lateRefused.some((r) => !announced.has(r.id));
    announced = new Set(lateRefused.map((r) => r.id));
    if (fresh) feedback.refusedLater();
  });
}

/** The overlay kept in storage; damaged entries are dropped (the next snapshot says what is true). */
function loadOverlay(storage: Pick<Storage, 'getItem'>): LocalOverlay {
  const overlay: LocalOverlay = {};
  let saved: unknown;
  try {
    saved = JSON.parse(storage.getItem(OVERLAY_KEY) ?? '{}');
  } catch {
    return overlay;
  }
  if (typeof saved !== 'object' || saved === null) return overlay;
  for (const [id, entry] of Object.entries(saved)) {
    const parsed = overlayEntrySchema.safeParse(entry);
    if (parsed.success) overlay[id] = parsed.data;
  }
  return overlay;
}
