/**
 * Pipelined forwarding (SPEC PF-31 … PF-35), watched where an integrator can watch it: on the wire
 * between a real edge server and a real `nats-server -js` (a TCP tap that parses the NATS protocol,
 * counts publishes and their acknowledgements, and can hold either direction), and in front of a
 * real hub edge server (an HTTP tap that counts requests in flight and can hold them).
 *
 * The backlog's order is what the site's outbox hands out before anything is forwarded
 * (UpstreamOutbox.next), read while the tap still refuses the site's connections.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppliedEventRecord } from '../../shared/protocol';
import type { TestEdge } from '../support/edge';
import { DEMO_WALLET_STEPS, TestStation, demoWallet, startTestEdge } from '../support/edge';
import type { NatsServer, StreamMessage } from '../support/nats';
import { startNats, stopAllNats } from '../support/nats';
import { waitFor } from '../support/wait';

const SITE = 'BKK-1';
const STREAM = 'SCAN_EVENTS';
const SUBJECT = `scan.events.${SITE}`;

/** Quick retries; a publish timeout longer than any hold in these tests. */
const FAST = {
  SITE_CODE: SITE,
  FORWARD_IDLE_MS: '50',
  FORWARD_BACKOFF_BASE_MS: '20',
  FORWARD_BACKOFF_MAX_SECONDS: '0.3',
  FORWARD_TIMEOUT_SECONDS: '60',
};

const edges: TestEdge[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const edge of edges.splice(0).reverse()) await edge.close();
  await stopAllNats();
});

// ---------------------------------------------------------------------------------------------
// A tap on the NATS protocol (client ⇄ server), frame by frame.

/** Splits a byte stream into NATS protocol frames: an op line, with its payload where it has one. */
class FrameReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (op: string, frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol === -1) return;
      const line = this.buffer.subarray(0, eol).toString('latin1');
      const op = line.split(' ')[0]?.toUpperCase() ?? '';
      let end = eol + 2;
      if (op === 'PUB' || op === 'HPUB' || op === 'MSG' || op === 'HMSG') {
        const fields = line.trim().split(/\s+/);
        end += Number(fields[fields.length - 1]) + 2;
        if (this.buffer.length < end) return;
      }
      const frame = this.buffer.subarray(0, end);
      this.buffer = this.buffer.subarray(end);
      this.onFrame(line, Buffer.from(frame));
    }
  }
}

/**
 * A TCP tap between the site and nats-server. It counts the site's publishes on its subject and
 * the acknowledgements delivered back (the replies to those publishes), and keeps the most that
 * were ever unacknowledged at once. It can refuse connections (`open` = false), hold the
 * acknowledgements (`holdAcks`), and stop passing the site's frames on from its n-th publish
 * (`pauseAtPublish`) until `resume`.
 */
class NatsTap {
  open = false;
  published = 0;
  acked = 0;
  maxUnacked = 0;
  holdAcks = false;
  pauseAtPublish: number | null = null;
  private readonly replies = new Set<string>();
  private readonly heldToClient: { socket: net.Socket; frame: Buffer }[] = [];
  private readonly heldToServer: { socket: net.Socket; frame: Buffer }[] = [];
  private paused = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly natsPort: number,
  ) {}

  static async start(nats: NatsServer): Promise<NatsTap> {
    const server = net.createServer();
    const tap = new NatsTap(server, nats.port);
    server.on('connection', (client) => tap.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => tap.close());
    return tap;
  }

  get url(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private accept(client: net.Socket): void {
    if (!this.open) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: this.natsPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const toServer = new FrameReader((line, frame) => {
      const [op, subject, reply] = line.split(' ');
      if (op === 'HPUB' && subject === SUBJECT && reply) {
        this.published++;
        this.replies.add(reply);
        this.maxUnacked = Math.max(this.maxUnacked, this.published - this.acked);
        if (this.pauseAtPublish !== null && this.published >= this.pauseAtPublish) this.paused = true;
      }
      if (this.paused) this.heldToServer.push({ socket: upstream, frame });
      else upstream.write(frame);
    });
    const toClient = new FrameReader((line, frame) => {
      const [op, subject] = line.split(' ');
      const isAck = (op === 'MSG' || op === 'HMSG') && subject !== undefined && this.replies.has(subject);
      // Once one acknowledgement is held, everything after it waits too (order on the wire).
      if ((isAck && this.holdAcks) || this.heldToClient.length > 0) {
        this.heldToClient.push({ socket: client, frame });
        return;
      }
      if (isAck) this.acked++;
      client.write(frame);
    });
    client.on('data', (chunk: Buffer) => toServer.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
  }

  /** Lets the site's held frames go on to the server. */
  resume(): void {
    this.paused = false;
    this.pauseAtPublish = null;
    for (const { socket, frame } of this.heldToServer.splice(0)) socket.write(frame);
  }

  /** Delivers the held acknowledgements (and what came after them) and stops holding. */
  releaseAcks(): void {
    this.holdAcks = false;
    for (const { socket, frame } of this.heldToClient.splice(0)) {
      const [op, subject] = frame.subarray(0, frame.indexOf('\r\n')).toString('latin1').split(' ');
      if ((op === 'MSG' || op === 'HMSG') && subject !== undefined && this.replies.has(subject)) this.acked++;
      socket.write(frame);
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// The site and what it sends.

async function startSite(env: Record<string, string>): Promise<TestEdge> {
  const edge = await startTestEdge({ env: { ...FAST, ...env } });
  edges.push(edge);
  return edge;
}

/** The wallets' first steps, interleaved wallet by wallet: every event must apply. */
async function work(edge: TestEdge, wallets: number): Promise<void> {
  const stations = new Map(edge.demo.stations.map((s) => [s.workCenter, new TestStation(edge.url, s.token)]));
  for (const [wc, type, node] of DEMO_WALLET_STEPS) {
    for (let n = 1; n <= wallets; n++) {
      const result = await stations.get(wc)?.send(type, demoWallet(n), node);
      expect(result?.status, `${type} ${demoWallet(n)} at ${node}`).toBe('applied');
    }
  }
}

/** Everything the site has to forward, in application order (nothing forwarded yet). */
function backlog(edge: TestEdge): AppliedEventRecord[] {
  return edge.core.upstream.next(100_000).map((r) => r.record);
}

async function upstreamStatus(edge: TestEdge): Promise<{ pending: number; forwarded: number; dead: number }> {
  const token = await edge.login('supervisor');
  const res = await fetch(`${edge.url}/api/v1/supervisor/upstream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { pending: number; forwarded: number; dead: number };
}

async function forwardedAll(edge: TestEdge, records: number): Promise<void> {
  await waitFor(() => upstreamStatus(edge), {
    what: 'the backlog forwarded',
    until: (s) => s.pending === 0 && s.forwarded === records,
  });
}

/** Each record once, in application order, as the site built it. */
function expectExactlyOnceInOrder(
  messages: readonly StreamMessage[],
  records: readonly AppliedEventRecord[],
): void {
  const ids = messages.map((m) => m.msgId);
  expect(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    'records in the stream twice',
  ).toEqual([]);
  expect(ids).toEqual(records.map((r) => r.id));
  expect(messages.map((m) => m.record)).toEqual(records);
}

describe('JetStream: publishes in flight (PF-31, PF-32)', () => {
  it('PF-31: no more publishes wait for their acknowledgement than FORWARD_MAX_IN_FLIGHT, and the pipeline fills to it', async () => {
    const nats = await startNats();
    const tap = await NatsTap.start(nats);
    const site = await startSite({ NATS_URL: tap.url, FORWARD_MAX_IN_FLIGHT: '8', FORWARD_BATCH_SIZE: '50' });
    await work(site, 5);
    const records = backlog(site);
    expect(records.length).toBeGreaterThan(40);

    tap.holdAcks = true;
    tap.open = true;
    // The site publishes until 8 wait for their acknowledgement, then waits itself.
    await waitFor(() => tap.published, { what: '8 publishes on the wire', until: (n) => n >= 8 });
    tap.releaseAcks();
    await forwardedAll(site, records.length);

    expect(tap.maxUnacked).toBe(8);
    expect(tap.published).toBe(records.length);
    expectExactlyOnceInOrder(await nats.messages(STREAM, SUBJECT), records);
  });

  it('PF-32: another writer publishing on the subject mid-pipeline: the publishes after it are refused, none lands out of order or twice, and the rest follows once', async () => {
    const nats = await startNats();
    const tap = await NatsTap.start(nats);
    const site = await startSite({
      NATS_URL: tap.url,
      FORWARD_MAX_IN_FLIGHT: '16',
      FORWARD_BATCH_SIZE: '50',
    });
    await work(site, 5);
    const records = backlog(site);
    expect(records.length).toBeGreaterThan(40);

    // The server gets the site's first 5 publishes; the 6th and the 10 after it wait in the tap.
    tap.holdAcks = true;
    tap.pauseAtPublish = 6;
    tap.open = true;
    await waitFor(() => tap.published, { what: '16 publishes in flight', until: (n) => n >= 16 });
    await waitFor(() => nats.messages(STREAM, SUBJECT), {
      what: 'the first 5 stored',
      until: (m) => m.length === 5,
    });
    // Another writer takes the subject's next sequence: the one the 7th publish expects.
    const foreign = { id: 'another-writer-1', note: 'not from this site' };
    await nats.withJsm(async (_jsm, nc) => {
      const { jetstream } = await import('@nats-io/jetstream');
      await jetstream(nc).publish(SUBJECT, JSON.stringify(foreign), { msgID: foreign.id });
    });
    tap.resume();
    tap.releaseAcks();
    await forwardedAll(site, records.length);

    const messages = await nats.messages(STREAM, SUBJECT);
    expect(messages[5]?.msgId).toBe(foreign.id);
    expectExactlyOnceInOrder(
      messages.filter((m) => m.msgId !== foreign.id),
      records,
    );
    // The 6th went again after the refusal, found nothing of its own after the other writer's.
    expect(tap.published).toBeGreaterThan(records.length);
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP: a tap in front of a hub edge server.

interface SeenRequest {
  codes: string[];
  ids: string[];
}

/**
 * An HTTP tap in front of a hub: passes each request on and its answer back, counts requests in
 * flight (the most at once, and which were in flight together), and holds requests while `hold`.
 */
class HttpTap {
  hold = false;
  inFlight = 0;
  maxInFlight = 0;
  readonly seen: SeenRequest[] = [];
  /** Token codes shared by two requests in flight at the same time. */
  readonly sharedTokens = new Set<string>();
  private readonly current = new Set<SeenRequest>();
  private readonly waiting: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
  ) {}

  static async start(target: string): Promise<HttpTap> {
    let tap: HttpTap | null = null;
    const server = http.createServer((req, res) => void tap?.handle(req, res));
    tap = new HttpTap(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = tap;
    closers.push(() => t.close());
    return tap;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  release(): void {
    this.hold = false;
    for (const go of this.waiting.splice(0)) go();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const records = (JSON.parse(body.toString('utf8')) as { records?: AppliedEventRecord[] }).records ?? [];
    const seen = { codes: [...new Set(records.map((r) => r.code))], ids: records.map((r) => r.id) };
    this.seen.push(seen);
    for (const other of this.current)
      for (const code of seen.codes) if (other.codes.includes(code)) this.sharedTokens.add(code);
    this.current.add(seen);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
          headers[name] = value;
        }
      }
      const answer = await fetch(`${this.target}${req.url ?? ''}`, {
        method: req.method ?? 'POST',
        headers,
        body,
      });
      const text = await answer.text();
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
    } finally {
      this.inFlight--;
      this.current.delete(seen);
    }
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function api(edge: TestEdge, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${edge.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await edge.login('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

/** The hub's records from the site, in the order the hub took them. */
function hubRecords(hub: TestEdge): AppliedEventRecord[] {
  return (
    hub.core.db.prepare('SELECT record_json FROM hub_record ORDER BY id').all() as { record_json: string }[]
  )
    .map((r) => JSON.parse(r.record_json) as AppliedEventRecord)
    .filter((r) => r.site === SITE);
}

function idsByToken(records: readonly AppliedEventRecord[]): Record<string, string[]> {
  const byToken: Record<string, string[]> = {};
  for (const r of records) (byToken[r.code] ??= []).push(r.id);
  return byToken;
}

describe('HTTP: requests in flight (PF-34, PF-35)', () => {
  it('PF-34, PF-35: at most FORWARD_MAX_IN_FLIGHT requests at once, never two with records of one token; every record once at the hub, each token in order', async () => {
    const hub = await startTestEdge({ env: { SITE_CODE: 'HUB' } });
    edges.push(hub);
    const { credential } = (await api(hub, '/api/v1/admin/sites', { code: SITE })) as { credential: string };
    const tap = await HttpTap.start(hub.url);
    tap.hold = true;
    const site = await startSite({
      UPSTREAM_URL: tap.url,
      UPSTREAM_CREDENTIAL: credential,
      FORWARD_MAX_IN_FLIGHT: '3',
      FORWARD_BATCH_SIZE: '5',
    });
    // Three requests arrive and are held: the site sends no fourth until one is answered.
    await waitFor(() => tap.inFlight, { what: '3 requests in flight', until: (n) => n >= 3 });
    await work(site, 5);
    const records = backlog(site); // nothing is answered yet: all of it is pending
    expect(records.length).toBeGreaterThan(40);
    tap.release();
    await forwardedAll(site, records.length);

    expect(tap.maxInFlight).toBe(3);
    expect([...tap.sharedTokens]).toEqual([]);
    expect(tap.seen.every((r) => r.ids.length <= 5)).toBe(true);
    const atHub = hubRecords(hub);
    expect(atHub.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    // Per token, the hub took the records in the order the site applied them.
    expect(idsByToken(atHub)).toEqual(idsByToken(records));
  });
});
