/**
 * @module Scans and the token card: every scan (wedge, camera, typed) goes through the pure
 * decision of scan/scan-router.ts, and this model does what it says: opens a card, asks which
 * token, records, signs in, locks, or tells why not. The card closes once its action is recorded,
 * and when the station locks.
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

export interface CardState {
  /** The token whose card is open. */
  selected: SnapshotToken | null;
  /** A code that is here more than once: the tokens to choose from. */
  choices: SnapshotToken[];
  /** Set when a command barcode asked for an action that needs a detail. */
  pendingAction: OperatorEventType | null;
}

export interface ScanRouterDeps {
  session: Pick<OperatorSessionModel, 'get' | 'subscribe' | 'badge' | 'lock'>;
  view: Pick<StationViewModel, 'get' | 'actionsFor'>;
  recorder: Pick<Recorder, 'record'>;
  feedback: Pick<FeedbackModel, 'tell'>;
}

export class ScanRouterModel extends Model<CardState> {
  constructor(private readonly deps: ScanRouterDeps) {
    super({ selected: null, choices: [], pendingAction: null });
    // Locked (by Lock, the lock command or inactivity): no card stays open for the next person.
    deps.session.subscribe(({ session }) => {
      if (!session.active && (this.get().selected || this.get().choices.length > 0))
        this.patch({ selected: null, choices: [] });
    });
  }

  /** A scan from the wedge, the camera or the scan field. */
  scan(text: string): void {
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
    this.patch({ choices: [], selected: token, pendingAction: ask });
  }

  close(): void {
    this.patch({ selected: null });
  }

  /** The card's action on its token (with the detail it asked for); the card closes once recorded. */
  async record(
    token: SnapshotToken,
    action: OperatorEventType,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (await this.deps.recorder.record(token, action, data))
      this.patch({ selected: null, pendingAction: null });
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
