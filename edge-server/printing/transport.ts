/**
 * @module One label to one printer over raw TCP (port 9100), with bounded waits (SPEC DK-52,
 * DK-53): connect within `connectMs`; ask the host status (~HS) and wait `statusMs` for it; send
 * the label and half-close; the printer closing its side in turn is the acknowledgement, within
 * `sendMs` of connecting. Every way it can go wrong is a value naming what happened, never a
 * throw, and never a wait without end.
 *
 * A printer that does not answer ~HS within `statusMs` is sent to anyway: many ZPL printers and
 * emulations do not talk back on 9100, and they print. Its status is then 'silent', not 'ready'.
 *
 * Raw 9100 has no acknowledgement of its own: a label is taken as printed when the printer read it
 * all and closed the connection after our half-close (a Zebra does so); a printer that resets the
 * connection (a reboot, a crash) fails the attempt, and one that never closes times out.
 */
import net from 'node:net';
import type { PrintErrorCode, PrinterProblem } from '../../shared/printing-api';
import { HOST_STATUS_QUERY, parseHostStatus } from '../../shared/zpl';

/** What of a status answer is kept (a real one is about 100 bytes). */
const MAX_STATUS_ANSWER = 1024;

export interface TransportTimeouts {
  /** Until the TCP connection is up. */
  connectMs: number;
  /** Until the ~HS answer is complete; past it, the label is sent without. */
  statusMs: number;
  /** Until the printer has taken the label and closed, from the connection. */
  sendMs: number;
}

export type SendOutcome =
  | { kind: 'sent'; status: 'ready' | 'silent' }
  | { kind: 'printer-status'; problems: PrinterProblem[]; message: string }
  | { kind: 'failed'; code: Exclude<PrintErrorCode, 'printer-status' | 'retired'>; message: string }
  | { kind: 'aborted' };

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The problems in words, for the job's error (the console says them in the admin's language). */
export function describeProblems(problems: readonly PrinterProblem[]): string {
  return `the printer reports: ${problems.map((p) => p.replace('-', ' ')).join(', ')}`;
}

/** A socket error in words: what kind of failure it is. */
function socketFailure(error: NodeJS.ErrnoException, where: string, sending: boolean): SendOutcome {
  const code = error.code ?? 'error';
  if (code === 'ECONNREFUSED')
    return { kind: 'failed', code: 'refused', message: `${where} refused the connection (${code})` };
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL'].includes(code))
    return { kind: 'failed', code: 'unreachable', message: `${where} cannot be reached (${code})` };
  return {
    kind: 'failed',
    code: 'closed',
    message: sending
      ? `${where} dropped the connection before it had taken the label (${code})`
      : `${where} dropped the connection (${code})`,
  };
}

/** Sends `zpl` to host:port; resolves with what happened (aborted when `signal` fires). */
export function sendLabel(
  host: string,
  port: number,
  zpl: string,
  timeouts: TransportTimeouts,
  signal: AbortSignal,
): Promise<SendOutcome> {
  const where = `the printer at ${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const socket = net.connect({ host, port });
    let settled = false;
    let connected = false;
    let labelWritten = false;
    let status: 'ready' | 'silent' = 'silent';
    let answer = '';
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort);
    const after = (ms: number, run: () => void) => timers.push(setTimeout(run, ms));

    const writeLabel = (): void => {
      if (labelWritten || settled) return;
      labelWritten = true;
      socket.end(zpl);
    };

    after(timeouts.connectMs, () => {
      if (!connected)
        finish({
          kind: 'failed',
          code: 'unreachable',
          message: `${where} did not accept a connection within ${seconds(timeouts.connectMs)}`,
        });
    });
    socket.once('connect', () => {
      connected = true;
      after(timeouts.sendMs, () =>
        finish({
          kind: 'failed',
          code: 'timeout',
          message: `${where} took the connection but not the label within ${seconds(timeouts.sendMs)}`,
        }),
      );
      socket.write(HOST_STATUS_QUERY);
      // No answer in time: send anyway (see the module's comment).
      after(timeouts.statusMs, writeLabel);
    });
    socket.on('data', (chunk: Buffer) => {
      if (labelWritten) return;
      // A real ~HS answer is about 100 bytes: a device that streams more is kept to its last 1 KB.
      answer = (answer + chunk.toString('latin1')).slice(-MAX_STATUS_ANSWER);
      const parsed = parseHostStatus(answer);
      if (!parsed) return;
      if (parsed.problems.length > 0) {
        finish({
          kind: 'printer-status',
          problems: parsed.problems,
          message: describeProblems(parsed.problems),
        });
        return;
      }
      status = 'ready';
      writeLabel();
    });
    socket.on('end', () => {
      // The printer closed its side before the label was all handed over: it did not take it.
      if (!labelWritten || socket.writableLength > 0 || !socket.writableFinished)
        finish({
          kind: 'failed',
          code: 'closed',
          message: `${where} closed the connection before it had taken the label`,
        });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(socketFailure(error, where, labelWritten)));
    socket.on('close', () => {
      if (labelWritten) finish({ kind: 'sent', status });
      else finish({ kind: 'failed', code: 'closed', message: `${where} closed the connection` });
    });
  });
}
