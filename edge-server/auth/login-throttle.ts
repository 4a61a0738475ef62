/**
 * @module Slows password guessing without locking the real user out. Failed sign-ins are counted
 * per client address (guesses spread over many usernames) and per username (guesses from many
 * addresses); past a few free failures each one doubles the wait, up to 15 minutes. A username's
 * wait applies only to the addresses that failed for it, so its owner signs in from their own
 * device while someone elsewhere guesses. Kept in memory: a restart forgets, which only helps the
 * user; the maps are bounded so that a flood of usernames cannot fill memory.
 *
 *   failures:  1 … free   free+1   free+2  …        (a success forgets the address's failures)
 *   wait:      none       1 s      2 s     … 15 min
 */
export interface ThrottlePolicy {
  /** Failures from one address (any usernames) before waits begin. */
  freePerAddress: number;
  /** Failures for one username (any addresses) before waits begin. */
  freePerUser: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A record with no failure for this long is forgotten. */
  forgetAfterMs: number;
  /** At most this many addresses and usernames are remembered (the oldest are dropped). */
  maxEntries: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freePerAddress: 10,
  freePerUser: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxEntries: 10_000,
};

interface Failures {
  count: number;
  lastAt: number;
  /** No attempt before this time. */
  until: number;
}

interface UserFailures extends Failures {
  /** The addresses that failed for this username: only they wait. */
  addresses: Set<string>;
}

export class LoginThrottle {
  private readonly byAddress = new Map<string, Failures>();
  private readonly byUser = new Map<string, UserFailures>();

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  /** Milliseconds this attempt must wait before it is checked; 0 when it may go now. */
  waitFor(username: string, address: string, now: number): number {
    const byAddress = this.current(this.byAddress, address, now);
    const byUser = this.current(this.byUser, username, now);
    const addressWait = byAddress ? byAddress.until - now : 0;
    const userWait = byUser?.addresses.has(address) ? byUser.until - now : 0;
    return Math.max(0, addressWait, userWait);
  }

  failed(username: string, address: string, now: number): void {
    const byAddress = this.current(this.byAddress, address, now) ?? { count: 0, lastAt: now, until: 0 };
    this.count(byAddress, this.policy.freePerAddress, now);
    this.remember(this.byAddress, address, byAddress);
    const byUser = this.current(this.byUser, username, now) ?? {
      count: 0,
      lastAt: now,
      until: 0,
      addresses: new Set<string>(),
    };
    this.count(byUser, this.policy.freePerUser, now);
    if (byUser.addresses.size < 1000) byUser.addresses.add(address);
    this.remember(this.byUser, username, byUser);
  }

  /** The right password: this address is trusted again, for this username too. */
  succeeded(username: string, address: string): void {
    this.byAddress.delete(address);
    this.byUser.get(username)?.addresses.delete(address);
  }

  private count(failures: Failures, free: number, now: number): void {
    failures.count++;
    failures.lastAt = now;
    if (failures.count >= free) {
      const doublings = Math.min(failures.count - free, 30);
      failures.until = now + Math.min(this.policy.baseDelayMs * 2 ** doublings, this.policy.maxDelayMs);
    }
  }

  private current<T extends Failures>(map: Map<string, T>, key: string, now: number): T | undefined {
    const entry = map.get(key);
    if (entry && now - entry.lastAt > this.policy.forgetAfterMs && entry.until <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    // Re-inserted at the end: a Map keeps insertion order, so the first key is the oldest.
    map.delete(key);
    map.set(key, value);
    if (map.size > this.policy.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}
