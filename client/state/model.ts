/**
 * @module What every model of the station is: a state value that is replaced, never changed in
 * place, and listeners told after each change. Models wrap pure, separately tested functions;
 * Preact reads them through useModel (use-model.ts); tests read `get()` and call the methods.
 */
export type Listener<S> = (state: S) => void;

export class Model<S> {
  private readonly listeners = new Set<Listener<S>>();

  constructor(private state: S) {}

  get(): S {
    return this.state;
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected set(next: S): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  protected patch(changes: Partial<S>): void {
    this.set({ ...this.state, ...changes });
  }
}
