/**
 * @module What the screen last told the operator (recorded, recorded offline, duplicate, refused,
 * or a neutral note), as catalogue text with the time it was said, and the tone and vibration that
 * go with it (ui/feedback.ts) so that they need not look. A message stands for a few seconds and
 * then clears, so that a new result never looks like the old one (the clock and the timer come in
 * from outside, so tests drive them).
 */
import type { Text } from '../i18n/catalogue';
import { Model } from '../state/model';
import type { Message, MessageKind, Outcome } from '../ui/feedback';

export type { Message, MessageKind } from '../ui/feedback';

/** How long a message stands before it clears. */
export const MESSAGE_SHOWN_MS = 6000;

export interface FeedbackClock {
  now: () => number;
  /** Calls `run` once after `ms`; returns the function that cancels it. */
  later: (ms: number, run: () => void) => () => void;
}

const systemClock: FeedbackClock = {
  now: () => Date.now(),
  later: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

export class FeedbackModel extends Model<{ message: Message | null }> {
  private cancelClear: (() => void) | null = null;

  constructor(
    private readonly signal: (outcome: Outcome) => void,
    private readonly clock: FeedbackClock = systemClock,
    private readonly shownMs = MESSAGE_SHOWN_MS,
  ) {
    super({ message: null });
  }

  /** Says it, with the outcome's tone and vibration. */
  tell(kind: MessageKind, text: Text, outcome: Outcome): void {
    this.say(kind, text);
    this.signal(outcome);
  }

  /** Says it, silently. */
  say(kind: MessageKind, text: Text): void {
    this.cancelClear?.();
    const message: Message = { kind, text, at: this.clock.now() };
    this.set({ message });
    this.cancelClear = this.clock.later(this.shownMs, () => {
      this.cancelClear = null;
      if (this.get().message === message) this.set({ message: null });
    });
  }

  /** Only the tone and vibration (the words are elsewhere, e.g. on the PIN prompt). */
  sound(outcome: Outcome): void {
    this.signal(outcome);
  }

  /**
   * An event was refused on a later sync (its own banner says so): the refusal tone, and a
   * "recorded" message still standing goes, so that nothing on screen says all is well.
   */
  refusedLater(): void {
    const kind = this.get().message?.kind;
    if (kind === 'recorded' || kind === 'recorded-offline') this.clear();
    this.signal('refused');
  }

  clear(): void {
    this.cancelClear?.();
    this.cancelClear = null;
    this.set({ message: null });
  }
}
