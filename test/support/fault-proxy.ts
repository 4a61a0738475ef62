/**
 * @module A fault-injecting HTTP proxy on loopback, put between a site's forwarder and its upstream
 * (a hub edge server). It passes requests through unless told to fail: answer a status (500, 429
 * with Retry-After, 400 with the protocol's error body), hang past the client's timeout (after
 * passing the request on, or without), or refuse connections (stopped). It records every request
 * it saw, with the record ids of a site envelope, when it arrived and what it answered.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer this status with the protocol's error body (and these headers) instead of passing on. */
  | { kind: 'status'; status: number; code?: string; message?: string; headers?: Record<string, string> }
  /**
   * Hold the request for `holdMs`. With `deliver` the request reaches the upstream first (its
   * outcome is unclear to the sender); the answer, if the sender still waits, comes after the hold.
   */
  | { kind: 'hang'; holdMs: number; deliver: boolean };

export interface SeenRequest {
  /** Date.now() when the request's body was read. */
  at: number;
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The `site` of a site envelope, if the body is one. */
  site: string | null;
  /** Record ids of a site envelope, in order. */
  ids: string[];
  /** The fault applied, or null when passed through untouched. */
  fault: Fault['kind'] | null;
  /** The status the sender got (or would have got, for a hang); null when nothing was answered. */
  status: number | null;
  /** Date.now() when the answer was sent (or dropped). */
  answeredAt: number | null;
  /** Per-record statuses of the upstream's answer (`accepted`, `duplicate`, `rejected`), if it got one. */
  outcomes: string[] | null;
}

interface Rule {
  fault: Fault;
  /** How many more requests it applies to (Infinity: until cleared). */
  remaining: number;
  /** Only requests whose record ids include this id. */
  whenContains: string | null;
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message, details: [] } });
}

function outcomesOf(body: Buffer): string[] | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { results?: unknown };
    if (!Array.isArray(parsed.results)) return null;
    return parsed.results.map((r) => String((r as { status?: unknown } | null)?.status));
  } catch {
    return null;
  }
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
};

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private rules: Rule[] = [];
  private server: http.Server | null = null;
  /** Holds in progress: cut short (the connection is dropped) when the proxy stops. */
  private readonly holds = new Map<NodeJS.Timeout, () => void>();
  private port = 0;

  private constructor(private readonly target: string) {}

  /** Starts a proxy to `target` (e.g. a hub's base URL) on a random loopback port. */
  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await proxy.listen(0);
    return proxy;
  }

  /** Base URL of the proxy (stays the same across stop/resume). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` requests get `fault`. */
  failNext(count: number, fault: Fault): void {
    this.rules.push({ fault, remaining: count, whenContains: null });
  }

  /** Every request whose records include `id` gets `fault`, until `clear`. */
  failWhenContains(id: string, fault: Fault): void {
    this.rules.push({ fault, remaining: Infinity, whenContains: id });
  }

  /** Stops injecting faults: everything passes through again. */
  clear(): void {
    this.rules = [];
  }

  /** Requests that carried a site envelope (the forwarder's sends). */
  sends(): SeenRequest[] {
    return this.seen.filter((r) => r.method === 'POST' && r.site !== null);
  }

  /** Stops listening: connections are refused until `resume`. Open connections are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const [timer, release] of this.holds) {
      clearTimeout(timer);
      release();
    }
    this.holds.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  close(): Promise<void> {
    this.clear();
    return this.stop();
  }

  private listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.server = server;
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private takeFault(ids: readonly string[]): Fault | null {
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (r.whenContains === null || ids.includes(r.whenContains)),
    );
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.holds.delete(timer);
        resolve();
      }, ms);
      this.holds.set(timer, resolve);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let site: string | null = null;
    let ids: string[] = [];
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { site?: unknown; records?: unknown };
      if (typeof parsed.site === 'string' && Array.isArray(parsed.records)) {
        site = parsed.site;
        ids = parsed.records.map((r) => String((r as { id?: unknown } | null)?.id));
      }
    } catch {
      // not JSON: passed on as is
    }
    const idempotencyKey = req.headers['idempotency-key'];
    const seen: SeenRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : null,
      site,
      ids,
      fault: null,
      status: null,
      answeredAt: null,
      outcomes: null,
    };
    this.seen.push(seen);
    const fault = this.takeFault(ids);
    seen.fault = fault?.kind ?? null;
    try {
      if (fault?.kind === 'status') {
        seen.status = fault.status;
        seen.answeredAt = Date.now();
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(
          errorBody(
            fault.code ?? STATUS_CODES[fault.status] ?? 'INTERNAL',
            fault.message ?? `injected ${fault.status} by the fault proxy`,
          ),
        );
        return;
      }
      if (fault?.kind === 'hang') {
        const answer = fault.deliver ? await this.passOn(req, body) : null;
        seen.status = answer?.status ?? null;
        seen.outcomes = answer ? outcomesOf(answer.body) : null;
        await this.later(fault.holdMs);
        seen.answeredAt = Date.now();
        if (answer && !res.destroyed && !res.writableEnded) {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        } else {
          res.destroy();
        }
        return;
      }
      const answer = await this.passOn(req, body);
      seen.status = answer.status;
      seen.outcomes = outcomesOf(answer.body);
      seen.answeredAt = Date.now();
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      seen.status = 502;
      seen.answeredAt = Date.now();
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(errorBody('INTERNAL', `fault proxy could not reach the upstream: ${String(error)}`));
      } else {
        res.destroy();
      }
    }
  }

  private async passOn(
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'idempotency-key']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = req.method ?? 'GET';
    const response = await fetch(new URL(req.url ?? '/', this.target), {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: body.toString('utf8') }),
    });
    const out: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after']) {
      const value = response.headers.get(name);
      if (value !== null) out[name] = value;
    }
    return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
  }
}
