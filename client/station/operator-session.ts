/**
 * @module Who works at this station: several operators can be signed in, one is active (events are
 * recorded in their name), and inactivity locks the screen (nobody active) until a badge is
 * scanned again, with the PIN when the operator has one. Pure; the screen keeps it in
 * localStorage so a reload keeps the list (locked).
 *
 *   badge scanned ─▶ PIN set? ─no──▶ signed in + active
 *                        └─yes─▶ PIN typed ─right─▶ signed in + active
 *                                          └─wrong (5 times) ─▶ badge locked out for a while
 */

export interface SignedInOperator {
  badge: string;
  name: string;
}

export interface OperatorSession {
  signedIn: SignedInOperator[];
  active: string | null;
  /** Wrong PINs per badge, and until when that badge is locked out. */
  failures: Record<string, { count: number; lockedUntilMs: number }>;
}

/** The screen locks after this long without a touch, scan or key. */
export const INACTIVITY_LOCK_MS = 5 * 60_000;
export const MAX_PIN_FAILURES = 5;
export const PIN_LOCKOUT_MS = 60_000;

export function emptySession(): OperatorSession {
  return { signedIn: [], active: null, failures: {} };
}

export function signIn(session: OperatorSession, operator: SignedInOperator): OperatorSession {
  const signedIn = session.signedIn.some((o) => o.badge === operator.badge)
    ? session.signedIn
    : [...session.signedIn, operator];
  const failures = { ...session.failures };
  delete failures[operator.badge];
  return { signedIn, active: operator.badge, failures };
}

export function signOut(session: OperatorSession, badge: string): OperatorSession {
  return {
    ...session,
    signedIn: session.signedIn.filter((o) => o.badge !== badge),
    active: session.active === badge ? null : session.active,
  };
}

/** Nobody is active once the station has been idle for `idleMs`; the list stays. */
export function lockIfIdle(
  session: OperatorSession,
  lastActivityMs: number,
  nowMs: number,
  idleMs = INACTIVITY_LOCK_MS,
): OperatorSession {
  if (session.active === null || nowMs - lastActivityMs < idleMs) return session;
  return { ...session, active: null };
}

export function lock(session: OperatorSession): OperatorSession {
  return { ...session, active: null };
}

/** Milliseconds this badge must still wait after too many wrong PINs (0 when it may try). */
export function lockedOutFor(session: OperatorSession, badge: string, nowMs: number): number {
  return Math.max(0, (session.failures[badge]?.lockedUntilMs ?? 0) - nowMs);
}

export function pinFailed(session: OperatorSession, badge: string, nowMs: number): OperatorSession {
  const count = (session.failures[badge]?.count ?? 0) + 1;
  const lockedUntilMs = count >= MAX_PIN_FAILURES ? nowMs + PIN_LOCKOUT_MS : 0;
  return {
    ...session,
    failures: {
      ...session.failures,
      [badge]: { count: count >= MAX_PIN_FAILURES ? 0 : count, lockedUntilMs },
    },
  };
}

const SESSION_KEY = 'scan-station.operators';

/** The signed-in list survives a reload, locked: whoever works next scans their badge. */
export function loadSession(storage: Pick<Storage, 'getItem'>): OperatorSession {
  try {
    const saved = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as OperatorSession | null;
    if (saved && Array.isArray(saved.signedIn))
      return { ...saved, active: null, failures: saved.failures ?? {} };
  } catch {
    // a damaged entry starts an empty list
  }
  return emptySession();
}

export function saveSession(storage: Pick<Storage, 'setItem'>, session: OperatorSession): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}
