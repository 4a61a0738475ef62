/**
 * @module What the screen last told the operator (recorded, refused, duplicate, in words), and the
 * tone and vibration that go with it (ui/feedback.ts) so that they need not look.
 */
import { Model } from '../state/model';
import type { Message, Outcome } from '../ui/feedback';

export class FeedbackModel extends Model<{ message: Message | null }> {
  constructor(private readonly signal: (outcome: Outcome) => void) {
    super({ message: null });
  }

  /** Says it, with the outcome's tone and vibration. */
  tell(kind: Message['kind'], text: string, outcome: Outcome): void {
    this.say(kind, text);
    this.signal(outcome);
  }

  /** Says it, silently. */
  say(kind: Message['kind'], text: string): void {
    this.set({ message: { kind, text } });
  }

  /** Only the tone and vibration (the words are elsewhere, e.g. on the PIN prompt). */
  sound(outcome: Outcome): void {
    this.signal(outcome);
  }
}
