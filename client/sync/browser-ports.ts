/**
 * @module The sync loop's ports in the browser: Date.now and setInterval, the window's
 * online/offline events, Web Locks and a BroadcastChannel. Where a browser lacks Web Locks or
 * BroadcastChannel, the lock only keeps one attempt at a time in this tab and the channel is silent.
 */
import type { LoopClock, OnlineSignal, TabChannel, TabLock } from './sync-ports';

export const systemClock: LoopClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  },
};

export function browserOnline(target: Window): OnlineSignal {
  return {
    isOnline: () => target.navigator.onLine,
    subscribe(listener) {
      const up = () => listener(true);
      const down = () => listener(false);
      target.addEventListener('online', up);
      target.addEventListener('offline', down);
      return () => {
        target.removeEventListener('online', up);
        target.removeEventListener('offline', down);
      };
    },
  };
}

export function webLock(name: string): TabLock {
  let busy = false; // without Web Locks: one attempt at a time in this tab
  return {
    async runIfFree(task) {
      if ('locks' in navigator)
        return navigator.locks.request(name, { ifAvailable: true }, async (held) => {
          if (held) await task();
          return held !== null;
        });
      if (busy) return false;
      busy = true;
      try {
        await task();
      } finally {
        busy = false;
      }
      return true;
    },
  };
}

export function broadcastChannel(name: string): TabChannel & { close(): void } {
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(name) : null;
  return {
    post: () => channel?.postMessage('outbox-changed'),
    subscribe(listener) {
      const onMessage = () => listener();
      channel?.addEventListener('message', onMessage);
      return () => channel?.removeEventListener('message', onMessage);
    },
    close: () => channel?.close(),
  };
}
