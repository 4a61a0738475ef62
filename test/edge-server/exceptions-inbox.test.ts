/**
 * The exceptions inbox and its audit log (SV-20 … SV-26) on a real edge server with the demo: a
 * parked event listed once it has waited PARKED_ALERT_MINUTES and not resolvable here, a conflict
 * acknowledged then resolved with a reason (the audit says who, when and why; the token moved), a
 * second resolution refused with who resolved it, a dead letter sent again, bad input named, and
 * station credentials refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, problemActionResultSchema, problemPageSchema } from '../../shared/exceptions-api';
import { expireParkedEvents } from '../../edge-server/ingest/conflicts';
import type { TestEdge } from '../support/edge';
import { TestStation, startTestEdge } from '../support/edge';
import { forwardingStatus, markDead, newestRecordId } from '../support/event-log-db';

let edge: TestEdge;
let supervisor: string;
let admin: string;
let offsetMs = 0;
const clock = (): Date => new Date(Date.now() + offsetMs);

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${edge.url}/api/v1/supervisor${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? supervisor}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function inbox(query = ''): Promise<ReturnType<typeof problemPageSchema.parse>> {
  const res = await call('GET', `/exceptions${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return problemPageSchema.parse(res.body);
}

beforeAll(async () => {
  edge = await startTestEdge({ clock });
  supervisor = await edge.login('supervisor');
  admin = await edge.login('admin');
});
afterAll(async () => edge.close());

describe('exceptions inbox', () => {
  let parkedId = 0;
  let conflictId = 0;

  it('SV-20, SV-21: an event parked longer than PARKED_ALERT_MINUTES is listed, in words, with its token now', async () => {
    const sew = new TestStation(edge.url, edge.stationToken('WC-SEW'));
    const result = await sew.send('start', 'WL-DEMO-0002', 'SEW');
    expect(result.status).toBe('parked');
    expect((await inbox('?kind=parked')).problems).toEqual([]);

    offsetMs = 31 * 60_000;
    const page = await inbox('?kind=parked');
    expect(page.parkedAlertMinutes).toBe(30);
    expect(page.problems).toHaveLength(1);
    const [parked] = page.problems;
    expect(parked).toMatchObject({
      kind: 'parked',
      code: 'EVENT_PARKED_LONG',
      state: 'open',
      actions: ['acknowledge'],
      event: { type: 'start', code: 'WL-DEMO-0002', nodeCode: 'SEW', station: 'WC-SEW-1' },
      token: { code: 'WL-DEMO-0002', ticket: 'DEMO-WALLET', nodeCode: 'CUT', status: 'ready' },
    });
    expect(parked?.message).toMatch(/^start of WL-DEMO-0002 at SEW from WC-SEW-1 has waited since/);
    expect(parked?.reason?.code).toBe('NOT_AT_NODE');
    parkedId = parked?.id ?? 0;
  });

  it('SV-23: a parked event cannot be discarded, applied or sent again: a 400 saying why', async () => {
    for (const action of ['discard', 'apply', 'resend']) {
      const res = await call('POST', `/exceptions/parked/${parkedId}/resolve`, {
        body: { action, reason: 'trying it' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/parked event cannot be .* while it waits for its token/);
      expect(res.body.error.message).toMatch(/becomes a conflict when its parking ends/);
    }
  });

  it('SV-22: a conflict is acknowledged by one supervisor; another acknowledging it hears who has it', async () => {
    expect(expireParkedEvents(edge.core, new Date(Date.now() + 365 * 86_400_000))).toBe(1);
    // The parked event became a conflict: it left parking (nobody had taken it up).
    expect((await inbox('?kind=parked')).problems).toEqual([]);
    const conflicts = (await inbox('?kind=conflict')).problems;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      code: 'EVENT_CONFLICT',
      state: 'open',
      reason: { code: 'PARKING_EXPIRED' },
      actions: ['acknowledge', 'apply', 'discard'],
    });
    conflictId = conflicts[0]?.id ?? 0;

    const ack = await call('POST', `/exceptions/conflict/${conflictId}/acknowledge`, {
      body: { reason: 'Checking with the sewing line' },
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const acked = problemActionResultSchema.parse(ack.body);
    expect(acked.problem).toMatchObject({
      state: 'acknowledged',
      stateBy: 'supervisor',
      actions: ['apply', 'discard'],
    });
    expect(acked.audit).toMatchObject({ by: 'supervisor', action: 'acknowledge', outcome: 'acknowledged' });
    // Acknowledging one's own again is harmless; someone else is told who has it.
    expect((await call('POST', `/exceptions/conflict/${conflictId}/acknowledge`)).status).toBe(200);
    const other = await call('POST', `/exceptions/conflict/${conflictId}/acknowledge`, { token: admin });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(
      /^supervisor acknowledged this conflict at .* and is working on it$/,
    );
    expect((await inbox('?state=acknowledged')).problems.map((p) => p.id)).toEqual([conflictId]);
    expect((await inbox('?state=open&kind=conflict')).problems).toEqual([]);
  });

  it('SV-23: a resolution needs a reason of 3 to 500 characters and a known action: 400 naming it', async () => {
    const path = `/exceptions/conflict/${conflictId}/resolve`;
    const missing = await call('POST', path, { body: { action: 'apply' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^reason: required/);
    const short = await call('POST', path, { body: { action: 'apply', reason: ' ab ' } });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/^reason: 3 to 500 characters/);
    const long = await call('POST', path, { body: { action: 'apply', reason: 'x'.repeat(501) } });
    expect(long.body.error.message).toMatch(/^reason:/);
    const action = await call('POST', path, { body: { action: 'fix', reason: 'because' } });
    expect(action.status).toBe(400);
    expect(action.body.error.message).toBe('action: one of apply, discard, resend');
    const resend = await call('POST', path, { body: { action: 'resend', reason: 'because' } });
    expect(resend.status).toBe(400);
    expect(resend.body.error.message).toMatch(/resend is for upstream dead letters/);
    expect(
      (
        await call('POST', '/exceptions/conflict/999999/resolve', {
          body: { action: 'apply', reason: 'why not' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('POST', '/exceptions/nonsense/1/resolve', { body: { action: 'apply', reason: 'why not' } }))
        .status,
    ).toBe(404);
  });

  it('SV-23, SV-24: applied anyway with a reason: the token moved, the audit says who, when and why', async () => {
    const reason = 'Sewing confirmed on paper, "late scan", see shift log';
    const res = await call('POST', `/exceptions/conflict/${conflictId}/resolve`, {
      body: { action: 'apply', reason },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const resolved = problemActionResultSchema.parse(res.body);
    expect(resolved.problem).toMatchObject({
      state: 'resolved',
      stateBy: 'supervisor',
      stateReason: reason,
      outcome: 'applied',
      actions: [],
      token: { code: 'WL-DEMO-0002', nodeCode: 'SEW', status: 'active' },
    });
    expect(resolved.audit).toMatchObject({ by: 'supervisor', action: 'apply', reason, outcome: 'applied' });
    expect(resolved.audit.detail).toMatchObject({
      token: { code: 'WL-DEMO-0002', nodeCode: 'SEW', status: 'active' },
    });

    const audit = await call('GET', '/audit');
    expect(audit.status).toBe(200);
    const entries = auditPageSchema.parse(audit.body).entries;
    expect(entries.slice(0, 3).map((e) => [e.action, e.by, e.kind, e.problemId])).toEqual([
      ['apply', 'supervisor', 'conflict', conflictId],
      ['acknowledge', 'supervisor', 'conflict', conflictId],
      ['acknowledge', 'supervisor', 'conflict', conflictId],
    ]);
    expect(entries[0]?.reason).toBe(reason);
    expect(Date.parse(entries[0]?.at ?? '')).toBeGreaterThan(0);
    // The older conflict list and the token's history say the same.
    const history = await call('GET', '/tokens/WL-DEMO-0002');
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['start', 'move', 'resolve']),
    );
    expect((await inbox('?state=resolved')).problems[0]).toMatchObject({
      id: conflictId,
      outcome: 'applied',
    });
  });

  it('SV-25: a problem already resolved answers 409 naming who resolved it and when', async () => {
    const again = await call('POST', `/exceptions/conflict/${conflictId}/resolve`, {
      token: admin,
      body: { action: 'discard', reason: 'discard it' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      /^This conflict was already resolved by supervisor at \d{4}-.* \(applied\)$/,
    );
    expect(again.body.error.details[0]).toMatchObject({ resolvedBy: 'supervisor', outcome: 'applied' });
    const ack = await call('POST', `/exceptions/conflict/${conflictId}/acknowledge`, { token: admin });
    expect(ack.status).toBe(409);
    // Resolved through the older endpoint: the inbox knows who did it too.
    const sew = new TestStation(edge.url, edge.stationToken('WC-SEW'));
    await sew.send('complete', 'WL-DEMO-0003', 'SEW');
    expireParkedEvents(edge.core, new Date(Date.now() + 365 * 86_400_000));
    const [open] = (await inbox('?kind=conflict')).problems;
    expect(open).toBeDefined();
    const old = await call('POST', `/conflicts/${open?.id}/resolve`, {
      token: admin,
      body: { action: 'discard' },
    });
    expect(old.status).toBe(200);
    const after = await call('POST', `/exceptions/conflict/${open?.id}/resolve`, {
      body: { action: 'apply', reason: 'too late' },
    });
    expect(after.status).toBe(409);
    expect(after.body.error.message).toMatch(/resolved by admin at .* \(discarded\)/);
  });

  it('SV-23: a dead letter is sent again with a reason; apply or discard do not fit it', async () => {
    const outboxId = newestRecordId(edge.core.db);
    expect(outboxId).toBeGreaterThan(0);
    // The forwarder's dead-letter path is tested with the sinks; here the record is marked dead directly.
    markDead(edge.core.db, outboxId, { lastError: 'schema mismatch' });
    const [dead] = (await inbox('?kind=dead_letter')).problems;
    expect(dead).toMatchObject({
      id: outboxId,
      code: 'UPSTREAM_DEAD_LETTER',
      reason: { code: 'UPSTREAM_REFUSED', message: 'schema mismatch' },
      actions: ['acknowledge', 'resend'],
    });
    const apply = await call('POST', `/exceptions/dead_letter/${outboxId}/resolve`, {
      body: { action: 'apply', reason: 'try' },
    });
    expect(apply.status).toBe(400);
    expect(apply.body.error.message).toMatch(/can only be sent again \(resend\)/);
    const resend = await call('POST', `/exceptions/dead_letter/${outboxId}/resolve`, {
      body: { action: 'resend', reason: 'Upstream schema fixed' },
    });
    expect(resend.status, JSON.stringify(resend.body)).toBe(200);
    expect(resend.body.problem).toMatchObject({
      state: 'resolved',
      outcome: 'resent',
      stateBy: 'supervisor',
    });
    expect(resend.body.audit).toMatchObject({ action: 'resend', detail: { resent: 1 } });
    expect(forwardingStatus(edge.core.db, outboxId)).toBe('pending');
    // Dead again: a new problem, open.
    markDead(edge.core.db, outboxId);
    expect((await inbox('?kind=dead_letter')).problems[0]).toMatchObject({ id: outboxId, state: 'open' });
  });

  it('SV-21: pages are keyset pages; bad parameters are a 400 naming them', async () => {
    const first = await inbox('?state=resolved&limit=1');
    expect(first.problems).toHaveLength(1);
    expect(first.next).not.toBeNull();
    const second = await inbox(`?state=resolved&limit=1&after=${first.next}`);
    expect(second.problems[0]?.id).not.toBe(first.problems[0]?.id);
    for (const [query, name] of [
      ['?state=closed', 'state'],
      ['?kind=fire', 'kind'],
      ['?limit=0', 'limit'],
      ['?after=zzz', 'after'],
      ['?state=open,resolved', 'state'],
    ] as const) {
      const res = await call('GET', `/exceptions${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${name}:`));
    }
    const audit = await call('GET', '/audit?limit=1');
    expect(audit.body.next).not.toBeNull();
    expect((await call('GET', '/audit?problem=1')).status).toBe(400);
  });

  it('SV-26: station credentials get 403 on the inbox, its actions and the audit', async () => {
    const station = edge.stationToken('WC-SEW');
    expect((await call('GET', '/exceptions', { token: station })).status).toBe(403);
    expect((await call('GET', '/audit', { token: station })).status).toBe(403);
    const res = await call('POST', `/exceptions/conflict/${conflictId}/acknowledge`, { token: station });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('This endpoint needs a supervisor or admin account');
    expect(
      (
        await call('POST', `/exceptions/conflict/${conflictId}/resolve`, {
          token: station,
          body: { action: 'apply', reason: 'abc' },
        })
      ).status,
    ).toBe(403);
    expect((await fetch(`${edge.url}/api/v1/supervisor/exceptions`)).status).toBe(401);
  });
});
