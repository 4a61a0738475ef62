/** What the console's tests build on: a board node with its figures, and an EventSource to drive by hand. */
import type { BoardNode } from '../../../shared/supervisor-api';
import type { LiveSource } from '../../../client/console/models/live-model';
import { EVENT_SOURCE_CLOSED } from '../../../client/console/models/live-model';

/** A node of a board answer: an operation with nothing on it, unless `figures` says otherwise. */
export function boardNode(
  code: string,
  depth: number,
  lane: number,
  figures: Partial<BoardNode> = {},
): BoardNode {
  return {
    code,
    name: `Step ${code}`,
    type: 'operation',
    workCenter: `WC-${code}`,
    depth,
    lane,
    ready: 0,
    active: 0,
    paused: 0,
    waiting: 0,
    units: 0,
    oldestSince: null,
    oldestWaitSeconds: null,
    activeTokens: [],
    doneThisHour: { completions: 0, units: 0 },
    doneThisShift: { completions: 0, units: 0 },
    targetPerHour: null,
    targetThisShift: null,
    starved: false,
    blocked: false,
    ...figures,
  };
}

/** An EventSource the test drives: `emit` delivers a message (its data as JSON) or an error. */
export class FakeSource implements LiveSource {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = EVENT_SOURCE_CLOSED;
  }
  emit(type: string, data?: unknown): void {
    const event =
      data === undefined ? new Event(type) : new MessageEvent(type, { data: JSON.stringify(data) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}
