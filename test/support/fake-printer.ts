/**
 * @module test/support/fake-printer
 * Fake label printers for the printing tests: TCP servers on 127.0.0.1 that keep every byte they
 * are sent (per connection, and all in arrival order) and behave as told (answer ~HS, hang, drop);
 * and a port nothing listens on, for a printer that is off.
 */
import net from 'node:net';
import { hostStatusAnswer } from '../../shared/zpl';

/** What a fake printer does with a connection (`n`: 0 for its first). */
export type Behaviour = (socket: net.Socket, n: number, received: () => string) => void;

export interface FakePrinter {
  port: number;
  /** The bytes of each connection, as text. */
  connections: string[];
  /** Every byte received on any connection, in the order it arrived, as text. */
  received: () => string;
  close: () => Promise<void>;
}

/** A label printer: answers ~HS with `status` (or not at all), reads everything, closes after the sender. */
export const zebra =
  (status: string | null = hostStatusAnswer()): Behaviour =>
  (socket, _n, received) => {
    let answered = false;
    socket.on('data', () => {
      if (status !== null && !answered && received().includes('~HS')) {
        answered = true;
        socket.write(status);
      }
    });
  };

/** The printers a test file started, closed together (after each test, or after all). */
export class FakePrinters {
  private readonly open: FakePrinter[] = [];

  async start(behaviour: Behaviour = zebra()): Promise<FakePrinter> {
    const connections: string[] = [];
    let all = '';
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      const n = connections.length;
      connections.push('');
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        const text = chunk.toString('latin1');
        connections[n] += text;
        all += text;
      });
      behaviour(socket, n, () => connections[n] ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const printer: FakePrinter = {
      port: (server.address() as net.AddressInfo).port,
      connections,
      received: () => all,
      close: () =>
        new Promise((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
    this.open.push(printer);
    return printer;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((p) => p.close()));
  }
}

/** A port nothing listens on: a server opened and closed again. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
