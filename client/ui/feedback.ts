/**
 * @module What an operator hears and feels after each scan or action, so they need not look:
 * each outcome has its own tone and vibration, beside its colour on screen.
 */

import type { Text } from '../i18n/catalogue';

export type Outcome = 'recorded' | 'recorded-offline' | 'duplicate' | 'refused';

/** What the screen says beside the tone (models/feedback-model.ts): its kind gives its colour. */
export type MessageKind = 'recorded' | 'recorded-offline' | 'duplicate' | 'refused' | 'info';

export interface Message {
  kind: MessageKind;
  text: Text;
  /** When it was said (ms since the epoch): the screen shows the time. */
  at: number;
}

/** [frequency Hz, duration ms] notes; vibration pattern in ms. */
const SIGNALS: Record<Outcome, { notes: [number, number][]; vibrate: number[] }> = {
  recorded: { notes: [[1320, 90]], vibrate: [60] },
  'recorded-offline': {
    notes: [
      [1320, 90],
      [990, 120],
    ],
    vibrate: [60, 80, 60],
  },
  duplicate: {
    notes: [
      [660, 70],
      [660, 70],
    ],
    vibrate: [30, 60, 30],
  },
  refused: { notes: [[220, 350]], vibrate: [300] },
};

let audio: AudioContext | null = null;

export function signal(outcome: Outcome): void {
  const { notes, vibrate } = SIGNALS[outcome];
  navigator.vibrate?.(vibrate);
  try {
    audio ??= new AudioContext();
    let at = audio.currentTime;
    for (const [frequency, ms] of notes) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = outcome === 'refused' ? 'square' : 'sine';
      osc.frequency.value = frequency;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + ms / 1000);
      at += ms / 1000 + 0.04;
    }
  } catch {
    // No audio (a policy, or no device): colour and vibration still tell.
  }
}
