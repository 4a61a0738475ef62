/**
 * @module The operators at this station, as a model over the pure session rules
 * (station/operator-session.ts): a badge signs in (asking for the PIN, checked on the tablet
 * through station/pin.ts, when the operator has one), wrong PINs lock a badge out, Lock and
 * inactivity lock the station. The list is kept in storage, so a reload keeps it (locked).
 */
import type { Text } from '../i18n/catalogue';
import type { SnapshotOperator } from '../scan/scan-router';
import type { OperatorSession, SignedInOperator } from '../station/operator-session';
import {
  lock,
  lockIfIdle,
  lockedOutFor,
  loadSession,
  pinFailed,
  saveSession,
  signIn,
  signOut,
} from '../station/operator-session';
import { Model } from '../state/model';
import type { FeedbackModel } from './feedback-model';

export interface SessionState {
  session: OperatorSession;
  /** The badge waiting for its PIN, with the hash the snapshot carries. */
  pinFor: { badge: string; name: string; hash: string } | null;
  pinError: Text | null;
}

export interface OperatorSessionDeps {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  now: () => number;
  feedback: Pick<FeedbackModel, 'tell' | 'say' | 'sound'>;
  /** PBKDF2 through WebCrypto (station/pin.ts) by default. */
  verifyPin?: (pin: string, hash: string) => Promise<boolean>;
}

/** station/pin.ts is loaded when a PIN is first typed, not with the first screen (precached, so offline too). */
function verifyPinLazily(pin: string, hash: string): Promise<boolean> {
  return import('../station/pin').then((m) => m.verifyPin(pin, hash));
}

export class OperatorSessionModel extends Model<SessionState> {
  /** Kept out of the state: a wedge scanner's keystrokes must not re-render the screen one by one. */
  private lastActivityMs: number;

  constructor(private readonly deps: OperatorSessionDeps) {
    super({ session: loadSession(deps.storage), pinFor: null, pinError: null });
    this.lastActivityMs = deps.now();
  }

  /** The operator whose events are recorded now, or null while the station is locked. */
  active(): SignedInOperator | null {
    const { session } = this.get();
    return session.signedIn.find((o) => o.badge === session.active) ?? null;
  }

  /** A badge was scanned: sign in, ask for the PIN, or say why not. */
  badge(operator: SnapshotOperator): void {
    const { badge, name, pinHash } = operator;
    const { session } = this.get();
    if (session.active === badge)
      return this.deps.feedback.say('duplicate', (t) => t.operator.alreadySignedIn({ badge }));
    const wait = lockedOutFor(session, badge, this.deps.now());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      return this.deps.feedback.tell(
        'refused',
        (t) => t.operator.lockedOutFor({ badge, seconds }),
        'refused',
      );
    }
    if (pinHash) return this.patch({ pinFor: { badge, name, hash: pinHash }, pinError: null });
    this.signedIn(badge, name, {});
  }

  /** The PIN typed for the badge that asked for it. */
  async submitPin(pin: string): Promise<void> {
    const asked = this.get().pinFor;
    if (!asked) return;
    let right: boolean;
    try {
      right = await (this.deps.verifyPin ?? verifyPinLazily)(pin, asked.hash);
    } catch (error) {
      // Not a wrong PIN: the check itself failed (its code did not load, WebCrypto refused).
      console.error('operators: the PIN could not be checked', error);
      return this.patch({ pinError: (t) => t.operator.pinUnchecked });
    }
    if (right) return this.signedIn(asked.badge, asked.name, { pinFor: null });
    const nowMs = this.deps.now();
    const after = pinFailed(this.get().session, asked.badge, nowMs);
    this.deps.feedback.sound('refused');
    if (lockedOutFor(after, asked.badge, nowMs) > 0) {
      this.update({ session: after, pinFor: null });
      this.deps.feedback.say('refused', (t) => t.operator.lockedOutMinute({ badge: asked.badge }));
    } else this.update({ session: after, pinError: (t) => t.operator.wrongPin });
  }

  cancelPin(): void {
    this.patch({ pinFor: null });
  }

  signOut(badge: string): void {
    const operator = this.get().session.signedIn.find((o) => o.badge === badge);
    this.update({ session: signOut(this.get().session, badge) });
    if (operator) this.deps.feedback.say('info', (t) => t.operator.signedOut(operator));
  }

  /** Lock, or the CMD:LOCK barcode: nobody active until a badge is scanned; the list stays. */
  lock(): void {
    this.update({ session: lock(this.get().session) });
  }

  /** A touch, a key or a scan: the station is in use. */
  touch(): void {
    this.lastActivityMs = this.deps.now();
  }

  /** Looked at every few seconds: locks the station after five minutes without a touch. */
  lockIfIdle(): void {
    const { session } = this.get();
    const after = lockIfIdle(session, this.lastActivityMs, this.deps.now());
    if (after !== session) this.update({ session: after });
  }

  private signedIn(badge: string, name: string, changes: Partial<SessionState>): void {
    this.update({ ...changes, session: signIn(this.get().session, { badge, name }) });
    this.deps.feedback.say('info', (t) => t.operator.signedIn({ name, badge }));
  }

  /** Every change of the session is saved. */
  private update(changes: Partial<SessionState>): void {
    const before = this.get().session;
    this.patch(changes);
    if (this.get().session !== before) saveSession(this.deps.storage, this.get().session);
  }
}
