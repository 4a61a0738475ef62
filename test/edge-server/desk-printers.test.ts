/**
 * Label printers on the LAN over real HTTP and real TCP (SPEC DK-50 … DK-62): fake label printers
 * (TCP servers in this test on 127.0.0.1) receive the ZPL; the test reads the serial, the barcode
 * commands and the embedded bitmap back out of the bytes, and checks that a printer that hangs,
 * drops the connection, refuses it or reports paper out fails its job with the reason, while the
 * other printers' jobs still print.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminChangePageSchema } from '../../shared/admin-changes-api';
import type { PrintJob } from '../../shared/printing-api';
import {
  printJobAnswerSchema,
  printJobPageSchema,
  printLabelsResultSchema,
  printerListSchema,
  printerSchema,
} from '../../shared/printing-api';
import { hostStatusAnswer } from '../../shared/zpl';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';
import { adminSender } from '../support/admin-api';
import type { Behaviour } from '../support/fake-printer';
import { FakePrinters, closedPort, zebra } from '../support/fake-printer';

let edge: TestEdge;
let admin: string;

const printers = new FakePrinters();
const fakePrinter = (behaviour: Behaviour) => printers.start(behaviour);

beforeAll(async () => {
  edge = await startTestEdge();
  admin = await edge.login('admin');
  // Short waits so that failures show within the test's time; the behaviour is the same.
  edge.core.printing.configure({
    connectMs: 1000,
    statusMs: 300,
    sendMs: 1200,
    maxAttempts: 2,
    backoffBaseMs: 50,
    backoffMaxMs: 100,
    idleMs: 100,
  });
});
afterEach(async () => {
  await printers.closeAll();
});
afterAll(async () => {
  await edge.close();
});

const api = adminSender(
  () => edge.url,
  () => admin,
  '/api/v1/admin',
);

let printerCount = 0;
async function addPrinter(port: number, fields: Record<string, unknown> = {}): Promise<string> {
  printerCount += 1;
  const name = `fake-${printerCount}`;
  const res = await api('POST', '/printers', {
    name,
    host: '127.0.0.1',
    port,
    dpi: 203,
    labelWidthMm: 50,
    labelHeightMm: 25,
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return name;
}

async function print(body: Record<string, unknown>): Promise<PrintJob[]> {
  const res = await api('POST', '/print-jobs', { language: 'en', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return printLabelsResultSchema.parse(res.body).jobs;
}

async function job(id: number): Promise<PrintJob> {
  const res = await api('GET', '/print-jobs?limit=500');
  const found = printJobPageSchema.parse(res.body).jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

const stateOf = async (id: number) => (await job(id)).state;

/** The labels in what a printer received: each ^XA … ^XZ. */
const labelsIn = (bytes: string) => [...bytes.matchAll(/\^XA[\s\S]*?\^XZ/g)].map((m) => m[0]);

describe('printers (DK-50, DK-51)', () => {
  it('DK-50: an admin registers a printer (port 9100 by default), lists it with its status, changes, disables and retires it, each change in the audit trail', async () => {
    const added = await api('POST', '/printers', {
      name: 'line-1-zebra',
      host: '10.0.0.50',
      dpi: 300,
      labelWidthMm: 101.6,
      labelHeightMm: 152.4,
    });
    expect(added.status).toBe(201);
    expect(printerSchema.parse(added.body)).toMatchObject({
      name: 'line-1-zebra',
      port: 9100,
      dpi: 300,
      labelWidthMm: 101.6,
      enabled: true,
      addedBy: 'admin',
      status: { state: 'unknown', problems: [], message: null },
    });
    expect(
      (await api('POST', '/printers', { ...added.body, labelWidthMm: 50, labelHeightMm: 25 })).status,
    ).toBe(409);
    const changed = await api('PATCH', '/printers/line-1-zebra', {
      enabled: false,
      labelWidthMm: 50,
      labelHeightMm: 25,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: false, labelWidthMm: 50 });
    const list = printerListSchema.parse((await api('GET', '/printers')).body);
    expect(list.printers.find((p) => p.name === 'line-1-zebra')).toMatchObject({
      enabled: false,
      queued: 0,
      failed: 0,
    });
    expect((await api('DELETE', '/printers/line-1-zebra')).status).toBe(204);
    expect((await api('DELETE', '/printers/line-1-zebra')).status).toBe(404);
    const listed = printerListSchema.parse((await api('GET', '/printers')).body);
    expect(listed.printers.map((p) => p.name)).not.toContain('line-1-zebra');
    const audit = adminChangePageSchema.parse((await api('GET', '/changes?subject=line-1-zebra')).body);
    expect(audit.changes.map((c) => c.action)).toEqual(['printer.remove', 'printer.change', 'printer.add']);
    expect(audit.changes[1]?.detail).toEqual({ enabled: false, labelWidthMm: 50, labelHeightMm: 25 });
  });

  it('DK-51: bad printer input answers 400 naming each field; a supervisor may not touch printers', async () => {
    const bad = await api('POST', '/printers', {
      name: 'a b',
      host: 'x y',
      port: 70000,
      dpi: 250,
      labelWidthMm: 2,
      labelHeightMm: 25,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'dpi',
      'host',
      'labelWidthMm',
      'name',
      'port',
    ]);
    expect(bad.body.error.message).toContain('dots per inch: one of 203, 300, 600');
    expect((await api('PATCH', '/printers/nobody', { enabled: true })).status).toBe(404);
    const supervisor = await edge.login('supervisor');
    expect((await api('GET', '/printers', undefined, supervisor)).status).toBe(403);
  });
});

describe('serial labels over raw TCP (DK-52 … DK-58)', () => {
  it('DK-55: a label arrives as ZPL: the serial, Code 128 and DataMatrix of it, and the words as a ^GFA bitmap with ink, sized to the label', async () => {
    const fake = await fakePrinter(zebra());
    const name = await addPrinter(fake.port);
    const [sent] = await print({ printer: name, serials: ['BV-DEMO-0001'], language: 'th' });
    await expect.poll(() => stateOf(sent!.id)).toBe('sent');
    const done = await job(sent!.id);
    expect(done).toMatchObject({ attempts: 1, errorCode: null, ticket: 'DEMO-TOTE', language: 'th' });
    expect(fake.connections[0]?.startsWith('~HS')).toBe(true);
    const [label] = labelsIn(fake.connections[0] ?? '');
    expect(label).toBeDefined();
    const zpl = label ?? '';
    // 50 x 25 mm at 203 dpi: 400 x 200 dots.
    expect(zpl).toContain('^PW400');
    expect(zpl).toContain('^LL200');
    expect(zpl).toMatch(/\^BCN,\d+,N,N,N\^FH\\\^FDBV-DEMO-0001\^FS/);
    expect(zpl).toMatch(/\^BXN,\d+,200,,,,_\^FH\\\^FDBV-DEMO-0001\^FS/);
    expect(zpl).toMatch(/\^A0N,\d+,\d+\^FH\\\^FDBV-DEMO-0001\^FS/);
    const gfa = /\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS/.exec(zpl);
    expect(gfa).not.toBeNull();
    const [, x, , total, again, perRow, hex] = gfa!.map((v, i) => (i === 6 ? v : Number(v))) as [
      string,
      number,
      number,
      number,
      number,
      number,
      string,
    ];
    expect(again).toBe(total);
    expect(hex.length).toBe(total * 2);
    expect(total % perRow).toBe(0);
    // Within the label: the field's width in dots from its left edge.
    expect(x + perRow * 8).toBeLessThanOrEqual(400);
    expect(perRow * 8).toBeGreaterThan(300);
    // Ink: a fair share of the bits are black, and not all of them.
    const bits = [...Buffer.from(hex, 'hex')].reduce(
      (n, b) => n + b.toString(2).replaceAll('0', '').length,
      0,
    );
    expect(bits).toBeGreaterThan(total * 8 * 0.03);
    expect(bits).toBeLessThan(total * 8 * 0.6);
    // The printer's status was read: ready.
    const printer = printerListSchema
      .parse((await api('GET', '/printers')).body)
      .printers.find((p) => p.name === name);
    expect(printer?.status).toMatchObject({ state: 'ready', problems: [], message: null });
  });

  it('DK-56: a ticket prints one label per serial, in order; gs1 puts FNC1 and AI 21 before the serial in the DataMatrix; the audit trail says who printed what', async () => {
    const fake = await fakePrinter(zebra(null)); // never answers ~HS: sent anyway
    const name = await addPrinter(fake.port, { dpi: 300, labelWidthMm: 101.6, labelHeightMm: 152.4 });
    const jobs = await print({ printer: name, ticket: 'DEMO-WALLET', gs1: true });
    expect(jobs.map((j) => j.serial)).toEqual([
      'WL-DEMO-0001',
      'WL-DEMO-0002',
      'WL-DEMO-0003',
      'WL-DEMO-0004',
      'WL-DEMO-0005',
    ]);
    for (const j of jobs) await expect.poll(() => stateOf(j.id)).toBe('sent');
    const labels = fake.connections.flatMap(labelsIn);
    expect(labels).toHaveLength(5);
    expect(labels[0]).toContain('^PW1200');
    expect(labels[0]).toContain('^LL1800');
    expect(labels[2]).toMatch(/\^BXN,\d+,200,,,,_\^FH\\\^FD_121WL-DEMO-0003\^FS/);
    const printer = printerListSchema
      .parse((await api('GET', '/printers')).body)
      .printers.find((p) => p.name === name);
    expect(printer?.status.state).toBe('silent');
    const audit = adminChangePageSchema.parse(
      (await api('GET', '/changes?subject=DEMO-WALLET&action=print.labels')).body,
    );
    expect(audit.changes[0]).toMatchObject({ by: 'admin', detail: { printer: name, labels: 5 } });
  });

  it('DK-52, DK-53: a printer that takes the connection and never reads fails its job with a timeout, and another printer’s job still prints meanwhile', async () => {
    const hanging = await fakePrinter((socket) => socket.pause());
    const good = await fakePrinter(zebra());
    const stuck = await addPrinter(hanging.port);
    const fine = await addPrinter(good.port);
    const [slow] = await print({ printer: stuck, serials: ['BV-DEMO-0002'] });
    const [quick] = await print({ printer: fine, serials: ['BV-DEMO-0003'] });
    await expect.poll(() => stateOf(quick!.id)).toBe('sent');
    expect(await stateOf(slow!.id)).toBe('queued');
    await expect.poll(() => stateOf(slow!.id), { timeout: 15_000 }).toBe('failed');
    const failed = await job(slow!.id);
    expect(failed).toMatchObject({ attempts: 2, errorCode: 'timeout', nextAttemptAt: null });
    expect(failed.lastError).toContain('took the connection but not the label within 1.2 s');
    const listed = printerListSchema
      .parse((await api('GET', '/printers')).body)
      .printers.find((p) => p.name === stuck);
    expect(listed).toMatchObject({ failed: 1, status: { state: 'unreachable' } });
  });

  it('DK-53: a printer that drops the connection halfway fails the attempt with the reason; the retry prints it', async () => {
    const flaky = await fakePrinter((socket, n, received) => {
      if (n === 0) socket.on('data', () => received().includes('^XA') && socket.resetAndDestroy());
      else zebra()(socket, n, received);
    });
    const name = await addPrinter(flaky.port);
    edge.core.printing.configure({ backoffBaseMs: 800, backoffMaxMs: 800, random: () => 1 });
    try {
      const [label] = await print({ printer: name, serials: ['BV-DEMO-0004'] });
      await expect.poll(async () => (await job(label!.id)).attempts).toBe(1);
      const between = await job(label!.id);
      expect(between).toMatchObject({ state: 'queued', errorCode: 'closed' });
      expect(between.lastError).toMatch(
        /dropped the connection before it had taken the label \(ECONNRESET\)/,
      );
      await expect.poll(() => stateOf(label!.id), { timeout: 5000 }).toBe('sent');
      expect(await job(label!.id)).toMatchObject({ attempts: 2 });
      expect(labelsIn(flaky.connections[1] ?? '')).toHaveLength(1);
    } finally {
      edge.core.printing.configure({ backoffBaseMs: 50, backoffMaxMs: 100, random: Math.random });
    }
  });

  it('DK-53, DK-62: a refused connection fails the job with the reason; retry sends it again once the printer is there', async () => {
    const port = await closedPort();
    const name = await addPrinter(port);
    const [label] = await print({ printer: name, serials: ['BV-DEMO-0005'] });
    await expect.poll(() => stateOf(label!.id)).toBe('failed');
    const failed = await job(label!.id);
    expect(failed).toMatchObject({ errorCode: 'refused', attempts: 2 });
    expect(failed.lastError).toBe(`the printer at 127.0.0.1:${port} refused the connection (ECONNREFUSED)`);
    // The printer comes up on another port: change the printer, retry the job.
    const fake = await fakePrinter(zebra());
    expect((await api('PATCH', `/printers/${name}`, { port: fake.port })).status).toBe(200);
    const retried = await api('POST', `/print-jobs/${label!.id}/retry`);
    expect(retried.status).toBe(200);
    expect(printJobAnswerSchema.parse(retried.body).job).toMatchObject({ state: 'queued', attempts: 0 });
    await expect.poll(() => stateOf(label!.id)).toBe('sent');
    expect((await api('POST', `/print-jobs/${label!.id}/retry`)).status).toBe(409);
    // The retry is a line of the change log (DK-1); the refused second one is not.
    const changes = adminChangePageSchema.parse((await api('GET', '/changes?action=print.retry')).body);
    expect(changes.changes).toEqual([expect.objectContaining({ subject: 'BV-DEMO-0005' })]);
  });

  it('DK-54: a printer whose status (~HS) says paper out and head open gets no label; the job fails with that reason', async () => {
    const fake = await fakePrinter(zebra(hostStatusAnswer({ 'paper-out': true, 'head-open': true })));
    const name = await addPrinter(fake.port);
    const [label] = await print({ printer: name, serials: ['BV-DEMO-0006'] });
    await expect.poll(() => stateOf(label!.id)).toBe('failed');
    expect(await job(label!.id)).toMatchObject({
      errorCode: 'printer-status',
      problems: ['paper-out', 'head-open'],
      lastError: 'the printer reports: paper out, head open',
    });
    expect(fake.connections.length).toBe(2);
    expect(fake.connections.every((c) => c === '~HS')).toBe(true);
    const printer = printerListSchema
      .parse((await api('GET', '/printers')).body)
      .printers.find((p) => p.name === name);
    expect(printer?.status).toMatchObject({ state: 'problem', problems: ['paper-out', 'head-open'] });
  });
});

describe('reprints and bad input (DK-59 … DK-62)', () => {
  it('DK-59: a reprint needs a reason, prints the same label again and leaves an audit line with the reason', async () => {
    const fake = await fakePrinter(zebra());
    const name = await addPrinter(fake.port);
    const [first] = await print({ printer: name, serials: ['BV-DEMO-0007'] });
    await expect.poll(() => stateOf(first!.id)).toBe('sent');
    const noReason = await api('POST', `/print-jobs/${first!.id}/reprint`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0]).toMatchObject({ path: 'reason' });
    expect((await api('POST', '/print-jobs/999999/reprint', { reason: 'x' })).status).toBe(404);
    const res = await api('POST', `/print-jobs/${first!.id}/reprint`, { reason: 'label torn at packing' });
    expect(res.status).toBe(201);
    const again = printJobAnswerSchema.parse(res.body).job;
    expect(again).toMatchObject({
      serial: 'BV-DEMO-0007',
      reprintOf: first!.id,
      reason: 'label torn at packing',
    });
    await expect.poll(() => stateOf(again.id)).toBe('sent');
    const [one, two] = fake.connections.flatMap(labelsIn);
    expect(two).toBe(one);
    const audit = adminChangePageSchema.parse((await api('GET', '/changes?action=print.reprint')).body);
    expect(audit.changes[0]).toMatchObject({
      by: 'admin',
      subject: 'BV-DEMO-0007',
      reason: 'label torn at packing',
      detail: { job: first!.id, reprint: again.id, printer: name },
    });
  });

  it('DK-60: unknown serials, an unknown ticket or printer, a bad language, a bad state filter: 400 naming the field', async () => {
    const fake = await fakePrinter(zebra());
    const name = await addPrinter(fake.port);
    const unknown = await api('POST', '/print-jobs', {
      printer: name,
      serials: ['BV-DEMO-0001', 'NOPE-1', 'NOPE-2'],
      language: 'en',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('serials: these serials are not on this site: NOPE-1, NOPE-2');
    expect(unknown.body.error.details).toEqual([
      { path: 'serials', message: 'unknown serial NOPE-1' },
      { path: 'serials', message: 'unknown serial NOPE-2' },
    ]);
    const wrongTicket = await api('POST', '/print-jobs', {
      printer: name,
      ticket: 'DEMO-WALLET',
      serials: ['BV-DEMO-0001'],
      language: 'en',
    });
    expect(wrongTicket.body.error.message).toBe(
      'serials: this serial is not of ticket DEMO-WALLET: BV-DEMO-0001',
    );
    const noPrinter = await api('POST', '/print-jobs', {
      printer: 'ghost',
      ticket: 'DEMO-TOTE',
      language: 'en',
    });
    expect(noPrinter.status).toBe(400);
    expect(noPrinter.body.error.details[0]).toMatchObject({ path: 'printer' });
    const noTicket = await api('POST', '/print-jobs', { printer: name, ticket: 'GHOST', language: 'en' });
    expect(noTicket.body.error.details[0]).toMatchObject({ path: 'ticket' });
    const nothing = await api('POST', '/print-jobs', { printer: name, language: 'en' });
    expect(nothing.body.error.details[0]).toMatchObject({ path: 'serials' });
    const language = await api('POST', '/print-jobs', { printer: name, ticket: 'DEMO-TOTE', language: 'fr' });
    expect(language.status).toBe(400);
    expect(language.body.error.details[0]).toMatchObject({ path: 'language' });
    const state = await api('GET', '/print-jobs?state=lost');
    expect(state.status).toBe(400);
    expect(state.body.error.message).toContain('state');
    expect((await api('PATCH', `/printers/${name}`, { enabled: false })).status).toBe(200);
    const disabled = await api('POST', '/print-jobs', { printer: name, ticket: 'DEMO-TOTE', language: 'en' });
    expect(disabled.body.error.message).toBe(`printer: ${name} is disabled; enable it first`);
    // Nothing was queued by any of these.
    expect(fake.connections).toEqual([]);
  });

  it('DK-55, DK-58: a serial too long for the label answers 400 naming serials; one that cannot be a GS1 AI 21 serial, naming gs1', async () => {
    const long = 'PR-A-VERY-LONG-SERIAL-NUMBER-0001';
    const ticket = await api('POST', '/tickets', {
      code: 'PR-LONG',
      routing: 'BAG-TOTE',
      qty: 2,
      serials: [long, 'PR-ok-0002'],
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const small = await addPrinter(await closedPort(), { labelWidthMm: 25, labelHeightMm: 15 });
    const tooLong = await api('POST', '/print-jobs', { printer: small, ticket: 'PR-LONG', language: 'en' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBe(`serials: too long for a 25 x 15 mm label on ${small}: ${long}`);
    const big = await addPrinter(await closedPort(), { labelWidthMm: 101.6, labelHeightMm: 152.4 });
    const gs1 = await api('POST', '/print-jobs', {
      printer: big,
      ticket: 'PR-LONG',
      language: 'en',
      gs1: true,
    });
    expect(gs1.status).toBe(400);
    expect(gs1.body.error.details[0]).toMatchObject({ path: 'gs1' });
    expect(gs1.body.error.message).toContain(long);
    expect(printJobPageSchema.parse((await api('GET', `/print-jobs?printer=${big}`)).body).jobs).toEqual([]);
  });

  it('DK-60: a request whose labels would be too much ZPL at once (large labels at 600 dpi) is 400 naming serials, and queues nothing', async () => {
    const ticket = await api('POST', '/tickets', { code: 'PR-MANY', routing: 'BAG-TOTE', qty: 2000 });
    expect(ticket.status).toBe(201);
    const large = await addPrinter(await closedPort(), { dpi: 600, labelWidthMm: 220, labelHeightMm: 400 });
    const refused = await api('POST', '/print-jobs', { printer: large, ticket: 'PR-MANY', language: 'th' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({ path: 'serials' });
    expect(refused.body.error.message).toMatch(/at most \d+ labels of this size and resolution/);
    expect(printJobPageSchema.parse((await api('GET', `/print-jobs?printer=${large}`)).body).jobs).toEqual(
      [],
    );
  });

  it('DK-61: the job list is newest first, a page at a time, by state', async () => {
    const page = printJobPageSchema.parse((await api('GET', '/print-jobs?limit=2')).body);
    expect(page.jobs).toHaveLength(2);
    expect(page.jobs[0]!.id).toBeGreaterThan(page.jobs[1]!.id);
    const next = printJobPageSchema.parse((await api('GET', `/print-jobs?limit=2&after=${page.next}`)).body);
    expect(next.jobs[0]!.id).toBeLessThan(page.jobs[1]!.id);
    const failed = printJobPageSchema.parse((await api('GET', '/print-jobs?state=failed')).body);
    expect(failed.jobs.length).toBeGreaterThan(0);
    expect(failed.jobs.every((j) => j.state === 'failed')).toBe(true);
  });
});
