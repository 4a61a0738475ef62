/**
 * Deterministic doubles for the sync loop and the push engine: a push transport whose answers the
 * test gives (at once, or held until the test releases them), Web Locks and a BroadcastChannel
 * shared by the "tabs" of one test, an online signal the test flips, and an in-memory outbox.
 */
import { uuidv7 } from 'uuidv7';
import type { StationProblem, StationResult } from '../../../client/net/station-fetch';
import type { EventDraft } from '../../../client/outbox/outbox';
import { MemoryOutbox } from '../../../client/outbox/memory-outbox';
import type { PushTransport } from '../../../client/sync/push-engine';
import type { OnlineSignal, TabChannel, TabLock } from '../../../client/sync/sync-ports';
import type { StationEvent } from '../../../shared/protocol';
import type { PushResponse } from '../../../shared/station-api';

/** What the fake edge server says to one push. */
export type PushReply =
  'apply' | StationProblem | ((events: readonly StationEvent[]) => StationResult<PushResponse>);

export function applied(events: readonly StationEvent[]): StationResult<PushResponse> {
  return {
    ok: true,
    value: { serverTime: 'now', results: events.map((e) => ({ id: e.id, status: 'applied' as const })) },
  };
}

export function httpProblem(status: number, retryAfterMs = 0, message: string | null = null): StationProblem {
  return { kind: 'http', status, retryAfterMs, code: null, message };
}

/**
 * Pushes as the test says: `reply` answers every push at once (default: all applied); `hold()`
 * makes the next pushes wait until `release()`.
 */
export class FakePushTransport implements PushTransport {
  readonly pushes: StationEvent[][] = [];
  reply: PushReply = 'apply';
  private holding = false;
  private readonly held: (() => void)[] = [];

  push(_stationClock: string, events: readonly StationEvent[]): Promise<StationResult<PushResponse>> {
    this.pushes.push([...events]);
    const answer = () => {
      const reply = this.reply;
      if (reply === 'apply') return applied(events);
      if (typeof reply === 'function') return reply(events);
      return { ok: false as const, problem: reply };
    };
    if (!this.holding) return Promise.resolve(answer());
    return new Promise((resolve) => this.held.push(() => resolve(answer())));
  }

  hold(): void {
    this.holding = true;
  }

  /** Answers the pushes waiting, and lets the next ones through. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  get waiting(): number {
    return this.held.length;
  }
}

/** Web Locks as the tabs of one browser share them: one holder per name. */
export class FakeLocks {
  holder: string | null = null;

  lock(tab: string): TabLock {
    return {
      runIfFree: async (task) => {
        if (this.holder !== null) return false;
        this.holder = tab;
        try {
          await task();
        } finally {
          this.holder = null;
        }
        return true;
      },
    };
  }
}

/** A BroadcastChannel: a message goes to every other tab's listeners, never back to the sender. */
export class FakeChannelBus {
  private readonly listeners = new Map<string, Set<() => void>>();
  readonly posts: string[] = [];

  channel(tab: string): TabChannel {
    const mine = new Set<() => void>();
    this.listeners.set(tab, mine);
    return {
      post: () => {
        this.posts.push(tab);
        for (const [other, listeners] of this.listeners) if (other !== tab) for (const l of listeners) l();
      },
      subscribe: (listener) => {
        mine.add(listener);
        return () => mine.delete(listener);
      },
    };
  }
}

export class FakeOnline implements OnlineSignal {
  private readonly listeners = new Set<(online: boolean) => void>();
  constructor(private online = true) {}

  isOnline(): boolean {
    return this.online;
  }

  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(online: boolean): void {
    this.online = online;
    for (const l of this.listeners) l(online);
  }
}

export function noteDraft(code: string): EventDraft {
  return {
    id: uuidv7(),
    type: 'note',
    code,
    nodeCode: 'CUT',
    operatorBadge: 'OP-0001',
    occurredAt: '2026-11-22T08:00:00.000Z',
    data: { text: 'checked' },
  };
}

/** An in-memory outbox with `n` notes queued. */
export async function outboxWith(n: number): Promise<MemoryOutbox> {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < n; i++) {
    const recorded = await outbox.record(noteDraft(`BV-${i + 1}`), 'now');
    if (!recorded.ok) throw new Error(recorded.problem.message);
  }
  return outbox;
}
