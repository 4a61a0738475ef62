/**
 * @module Scans and the token card: every scan (wedge, camera, typed) goes through the pure
 * decision of scan/scan-router.ts, and this model does what it says: opens a card, asks which
 * token, records, signs in, locks, or tells why not. The card closes once its action is recorded,
 * and when the station locks.
 *
 * Scrap waits out a short undo window before it is recorded: nothing is written until then, so
 * Undo leaves no gap in the station's seq and nothing for the sync loop to race. The window ends
 * early, recording the scrap at once, when the card closes, another card opens, the station
 * locks or anything is scanned.
 */
import type { OperatorEventType } from '../../shared/domain';
import type { SnapshotToken } from '../../shared/station-api';
import type { ScanRoute } from '../scan/scan-router';
import { routeScan } from '../scan/scan-router';
import { Model } from '../state/model';
import type { FeedbackModel } from './feedback-model';
import type { OperatorSessionModel } from './operator-session-model';
import type { Recorder } from './recorder';
import type { StationViewModel } from './station-view-model';

/** How long a confirmed scrap can still be undone before it is recorded. */
export const SCRAP_UNDO_SECONDS = 5;

export interface CardState {
  /** The token whose card is open. */
  selected: SnapshotToken | null;
  /** A code that is here more than once: the tokens to choose from. */
  choices: SnapshotToken[];
  /** Set when a command barcode asked for an action that needs a detail (or Scrap's confirmation). */
  pendingAction: OperatorEventType | null;
  /** A confirmed scrap in its undo window: not recorded yet. */
  scrapping: { token: SnapshotToken; secondsLeft: number } | null;
}

/** Runs `run` once after `ms`; returns what cancels it. Injected so tests drive the undo window. */
export type After = (ms: number, run: () => void) => () => void;

const realAfter: After = (ms, run) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export interface ScanRouterDeps {
  session: Pick<OperatorSessionModel, 'get' | 'subscribe' | 'badge' | 'lock'>;
  view: Pick<StationViewModel, 'get' | 'actionsFor'>;
  recorder: Pick<Recorder, 'record'>;
  feedback: Pick<FeedbackModel, 'tell' | 'say'>;
  /** setTimeout by default. */
  after?: After;
}

export class ScanRouterModel extends Model<CardState> {
  /** The pending scrap's next tick, and the operator who confirmed it (recorded in their name). */
  private cancelTick: (() => void) | null = null;
  private scrapBy: string | null = null;
  /** The pending scrap on its way into the outbox. */
  private committing: Promise<void> | null = null;

  constructor(private readonly deps: ScanRouterDeps) {
    super({ selected: null, choices: [], pendingAction: null, scrapping: null });
    // Locked (by Lock, the lock command or inactivity): no card stays open for the next person.
    deps.session.subscribe(({ session }) => {
      if (session.active) return;
      void this.commitScrap();
      if (this.get().selected || this.get().choices.length > 0) this.patch({ selected: null, choices: [] });
    });
  }

  /** A scan from the wedge, the camera or the scan field (a pending scrap is recorded first). */
  scan(text: string): void {
    // Scans keep their order: each waits for a scrap being recorded first.
    if (this.get().scrapping) void this.commitScrap();
    const first = this.committing;
    if (first) {
      void first.then(() => this.scan(text));
      return;
    }
    const { session, view } = this.deps;
    const { session: operators } = session.get();
    const { snapshot, tokens } = view.get();
    const selected = this.get().selected;
    const route = routeScan(text, {
      active: operators.active,
      signedInCount: operators.signedIn.length,
      card: selected ? { token: selected, actions: view.actionsFor(selected) } : null,
      operators: snapshot?.operators ?? [],
      tokens,
    });
    this.follow(route);
  }

  open(token: SnapshotToken, ask: OperatorEventType | null = null): void {
    if (this.get().scrapping?.token.id !== token.id) void this.commitScrap();
    this.patch({ choices: [], selected: token, pendingAction: ask });
  }

  close(): void {
    void this.commitScrap();
    this.patch({ selected: null, pendingAction: null });
  }

  /**
   * The card's action on its token (with the detail it asked for); the card closes once recorded.
   * Scrap (already confirmed on the card) starts its undo window instead.
   */
  async record(
    token: SnapshotToken,
    action: OperatorEventType,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (action === 'scrap') return this.scrap(token);
    await this.recordNow(token, action, data);
  }

  /** Undo on the card: the scrap is dropped, nothing was written. */
  undoScrap(): void {
    const pending = this.get().scrapping;
    if (!pending) return;
    this.stopTicking();
    this.patch({ scrapping: null });
    this.deps.feedback.say('info', (t) => t.card.scrapUndone({ code: pending.token.code }));
  }

  /** Records the pending scrap now (its window ended, or the operator moved on). */
  async commitScrap(): Promise<void> {
    const pending = this.get().scrapping;
    if (!pending) return;
    const operator = this.scrapBy;
    this.stopTicking();
    this.patch({ scrapping: null });
    const committing: Promise<void> = this.recordNow(pending.token, 'scrap', {}, operator).finally(() => {
      if (this.committing === committing) this.committing = null;
    });
    this.committing = committing;
    await committing;
  }

  private scrap(token: SnapshotToken): void {
    const operator = this.deps.session.get().session.active;
    if (!operator) return;
    if (this.get().scrapping) void this.commitScrap();
    this.scrapBy = operator;
    this.patch({ scrapping: { token, secondsLeft: SCRAP_UNDO_SECONDS }, pendingAction: null });
    this.tick();
  }

  /** One second of the window: counts down, and records the scrap when it ends. */
  private tick(): void {
    this.cancelTick = (this.deps.after ?? realAfter)(1000, () => {
      const pending = this.get().scrapping;
      if (!pending) return;
      if (pending.secondsLeft <= 1) return void this.commitScrap();
      this.patch({ scrapping: { ...pending, secondsLeft: pending.secondsLeft - 1 } });
      this.tick();
    });
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = null;
  }

  private async recordNow(
    token: SnapshotToken,
    action: OperatorEventType,
    data: Record<string, unknown>,
    operator: string | null = null,
  ): Promise<void> {
    const recorded = await this.deps.recorder.record(token, action, data, operator);
    // Only this token's card closes: another may have opened meanwhile.
    if (recorded && this.get().selected?.id === token.id) this.patch({ selected: null, pendingAction: null });
  }

  private follow(route: ScanRoute): void {
    switch (route.kind) {
      case 'refuse':
        return this.deps.feedback.tell('refused', route.text, 'refused');
      case 'lock':
        return this.deps.session.lock();
      case 'close-card':
        return this.close();
      case 'badge':
        return this.deps.session.badge(route.operator);
      case 'open':
        return this.open(route.token, route.ask);
      case 'record':
        return void this.record(route.token, route.action);
      case 'choose':
        return this.patch({ choices: route.tokens });
    }
  }
}
