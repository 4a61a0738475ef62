/** @module Reading a Server-Sent Events response over real HTTP, message by message, as EventSource would. */

export interface SseMessage {
  /** 'message' when the block names none; 'comment' for a `: ...` line (a heartbeat). */
  event: string;
  id: string | undefined;
  data: string;
  retry: number | undefined;
}

export interface SseStream {
  response: Response;
  /** Every message received so far, in order. */
  messages: SseMessage[];
  /** Resolves with the first message (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  next: (
    match: (m: SseMessage) => boolean,
    options?: { timeoutMs?: number; from?: number },
  ) => Promise<SseMessage>;
  /** Resolves when the server ended the response. */
  ended: Promise<void>;
  close: () => void;
}

function parseBlock(block: string): SseMessage[] {
  const out: SseMessage[] = [];
  const message: SseMessage = { event: 'message', id: undefined, data: '', retry: undefined };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      out.push({ event: 'comment', id: undefined, data: line.slice(1).trim(), retry: undefined });
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') message.event = value;
    else if (field === 'id') message.id = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') message.retry = Number(value);
  }
  if (data.length > 0 || message.id !== undefined) out.push({ ...message, data: data.join('\n') });
  return out;
}

/** Opens `url` and reads its body as it comes; throws when the answer is not a 200 event stream. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  }
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let finished = false;
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          messages.push(...parseBlock(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true;
      for (const wake of waiters) wake();
    }
  })();
  return {
    response,
    messages,
    ended,
    close: () => abort.abort(),
    next: (match, { timeoutMs = 5_000, from = 0 } = {}) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.slice(from).find(match);
          if (found) {
            cleanup();
            resolve(found);
            return true;
          }
          if (finished) {
            cleanup();
            reject(new Error(`the stream ended; messages: ${JSON.stringify(messages.slice(-5))}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no such message within ${timeoutMs} ms; last: ${JSON.stringify(messages.slice(-5))}`),
          );
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => void check();
        if (!check()) waiters.add(wake);
      }),
  };
}
