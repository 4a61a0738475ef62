/**
 * @module Recording an action: the active operator's event goes into the outbox (the next seq, one
 * transaction) before the screen says "recorded" (or "recorded offline"); the same code and action
 * within the duplicate window is one scan; a full storage refuses loudly. Then the local view
 * predicts the token, the other tabs hear of it and the sync loop tries at once. Refused events
 * are recorded again or discarded here too.
 */
import type { OperatorEventType } from '../../shared/domain';
import type { SnapshotToken } from '../../shared/station-api';
import type { Text } from '../i18n/catalogue';
import type { Outbox, OutboxProblem } from '../outbox/outbox';
import type { DuplicateFilter } from '../scan/duplicate-filter';
import type { FeedbackModel } from './feedback-model';
import type { OperatorSessionModel } from './operator-session-model';
import type { StationViewModel } from './station-view-model';

export interface RecorderDeps {
  outbox: Outbox;
  session: Pick<OperatorSessionModel, 'get'>;
  view: Pick<StationViewModel, 'recorded' | 'showOutbox'>;
  feedback: Pick<FeedbackModel, 'tell'>;
  sync: { outboxChanged(): Promise<void> };
  duplicates: DuplicateFilter;
  now: () => number;
  /** The browser's own idea of the network (navigator.onLine), read as the event is recorded. */
  isOnline: () => boolean;
  newId: () => string;
}

/** What an outbox problem means to an operator (the outbox's own message is for the log). */
function problemText(problem: OutboxProblem): Text {
  return problem.kind === 'storage-full' ? (t) => t.localReasons.STORAGE_FULL : (t) => t.card.notRefused;
}

export class Recorder {
  constructor(private readonly deps: RecorderDeps) {}

  /**
   * True once the event is in the outbox; false when it was a duplicate, refused, or nobody is active.
   * `by` records it for that operator rather than the active one (a scrap confirmed before a lock).
   */
  async record(
    target: SnapshotToken,
    type: OperatorEventType,
    data: Record<string, unknown> = {},
    by: string | null = null,
  ): Promise<boolean> {
    const { outbox, feedback, view, now } = this.deps;
    const operator = by ?? this.deps.session.get().session.active;
    if (!operator) return false;
    const words = { code: target.code };
    if (!this.deps.duplicates.accept(target.code, type, now())) {
      feedback.tell(
        'duplicate',
        (t) => t.card.justRecorded({ ...words, action: t.words.action[type] }),
        'duplicate',
      );
      return false;
    }
    const occurredAt = new Date(now()).toISOString();
    const recorded = await outbox.record(
      {
        id: this.deps.newId(),
        type,
        code: target.code,
        nodeCode: target.nodeCode,
        operatorBadge: operator,
        occurredAt,
        data,
      },
      occurredAt,
    );
    if (!recorded.ok) {
      feedback.tell('refused', problemText(recorded.problem), 'refused');
      return false;
    }
    view.recorded(target, { type, operatorBadge: operator, data }, recorded.value.seq, occurredAt);
    const online = this.deps.isOnline();
    if (online)
      feedback.tell(
        'recorded',
        (t) => t.card.recorded({ ...words, action: t.words.action[type] }),
        'recorded',
      );
    else
      feedback.tell(
        'recorded-offline',
        (t) => t.card.recordedOffline({ ...words, action: t.words.action[type] }),
        'recorded-offline',
      );
    void this.changed();
    return true;
  }

  /** "Record again" on a refused event: a new event with the same action and time. */
  async recordAgain(id: string): Promise<void> {
    const again = await this.deps.outbox.retry(
      id,
      this.deps.newId(),
      new Date(this.deps.now()).toISOString(),
    );
    if (!again.ok) this.deps.feedback.tell('refused', problemText(again.problem), 'refused');
    await this.changed();
  }

  /** "Discard" on a refused event. */
  async discard(id: string): Promise<void> {
    const discarded = await this.deps.outbox.discard(id);
    if (!discarded.ok) this.deps.feedback.tell('refused', problemText(discarded.problem), 'refused');
    await this.changed();
  }

  /** The screen shows the outbox as it is now; the other tabs hear of it; the sync loop tries. */
  private async changed(): Promise<void> {
    await this.deps.view.showOutbox();
    await this.deps.sync.outboxChanged();
  }
}
