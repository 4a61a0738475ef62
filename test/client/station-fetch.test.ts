/**
 * The station's one fetch (SY-9) against a tiny fake fetch: what it sends, and every answer as a
 * value (the body parsed by its schema, or the problem: a status with Retry-After and the server's
 * error, a body that does not match the contract, no answer at all).
 */
import { describe, expect, it } from 'vitest';
import type { FetchFunction } from '../../client/net/station-fetch';
import { createStationFetch, describeProblem } from '../../client/net/station-fetch';
import {
  PROTOCOL_VERSION_HEADER,
  pushResponseSchema,
  snapshotSchema,
  upstreamStatusSchema,
} from '../../shared/station-api';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal | null;
}

/** A fetch that records each request and answers with what the test gives it. */
function fakeFetch(answer: () => Response | Promise<Response>): { fetch: FetchFunction; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: (url, init) => {
      sent.push({
        url: url.href,
        method: init.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: typeof init.body === 'string' ? init.body : null,
        signal: init.signal ?? null,
      });
      return Promise.resolve().then(answer);
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const pushAnswer = { serverTime: '2026-11-22T08:00:00.000Z', results: [{ id: 'e-1', status: 'applied' }] };

describe('stationFetch', () => {
  it('SY-9: sends the credential, the protocol version, JSON and a timeout to the edge server, and returns the parsed answer', async () => {
    const fake = fakeFetch(() => json(200, { ...pushAnswer, extra: 'ignored' }));
    const stationFetch = createStationFetch({
      baseUrl: 'http://edge.test:8080',
      token: 'st_123',
      fetch: fake.fetch,
    });
    const answer = await stationFetch({
      method: 'POST',
      path: '/api/v1/events',
      body: { stationClock: 'now', events: [] },
      answer: pushResponseSchema,
    });
    expect(answer).toEqual({ ok: true, value: pushAnswer });
    expect(fake.sent).toHaveLength(1);
    const [request] = fake.sent;
    expect(request).toMatchObject({
      url: 'http://edge.test:8080/api/v1/events',
      method: 'POST',
      headers: {
        authorization: 'Bearer st_123',
        'content-type': 'application/json',
        [PROTOCOL_VERSION_HEADER.toLowerCase()]: '1',
      },
      body: JSON.stringify({ stationClock: 'now', events: [] }),
    });
    expect(request?.signal).toBeInstanceOf(AbortSignal);
  });

  it('SY-9: a GET carries its query and no body; without a credential (enrollment) no Authorization goes', async () => {
    const fake = fakeFetch(() =>
      json(200, { upstream: 'http', events: [{ id: 'e-1', status: 'forwarded' }] }),
    );
    const stationFetch = createStationFetch({ baseUrl: 'http://edge.test', token: null, fetch: fake.fetch });
    const answer = await stationFetch({
      path: '/api/v1/station/upstream',
      query: { ids: 'e-1,e-2' },
      answer: upstreamStatusSchema,
    });
    expect(answer).toEqual({
      ok: true,
      value: { upstream: 'http', events: [{ id: 'e-1', status: 'forwarded' }] },
    });
    expect(fake.sent[0]).toMatchObject({
      url: 'http://edge.test/api/v1/station/upstream?ids=e-1%2Ce-2',
      method: 'GET',
      body: null,
    });
    expect(Object.keys(fake.sent[0]?.headers ?? {})).toEqual([PROTOCOL_VERSION_HEADER.toLowerCase()]);
  });

  it('SY-9: an error status is a problem with the status, Retry-After and the server’s error code and message', async () => {
    const stationFetch = createStationFetch({
      baseUrl: 'http://edge.test',
      token: 't',
      fetch: fakeFetch(() =>
        json(
          429,
          { error: { code: 'RATE_LIMITED', message: 'Too many pushes', details: [] } },
          { 'retry-after': '7' },
        ),
      ).fetch,
    });
    const answer = await stationFetch({ path: '/api/v1/events', answer: pushResponseSchema });
    expect(answer).toEqual({
      ok: false,
      problem: {
        kind: 'http',
        status: 429,
        retryAfterMs: 7000,
        code: 'RATE_LIMITED',
        message: 'Too many pushes',
      },
    });
    expect(answer.ok ? '' : describeProblem(answer.problem)).toBe(
      'the edge server answered 429: Too many pushes',
    );
  });

  it('SY-9: an error status without the error body (a proxy’s page, nothing at all) still says its status', async () => {
    for (const body of ['<html>Bad gateway</html>', '', '{"error":"no"}']) {
      const stationFetch = createStationFetch({
        baseUrl: 'http://edge.test',
        token: 't',
        fetch: fakeFetch(() => new Response(body, { status: 502, headers: { 'retry-after': 'soon' } })).fetch,
      });
      const answer = await stationFetch({ path: '/api/v1/station/snapshot', answer: snapshotSchema });
      expect(answer).toEqual({
        ok: false,
        problem: { kind: 'http', status: 502, retryAfterMs: 0, code: null, message: null },
      });
      expect(answer.ok ? '' : describeProblem(answer.problem)).toBe('the edge server answered 502');
    }
  });

  it('SY-9: a 2xx whose body does not match the schema is a problem naming where, not a value', async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ serverTime: 'now', results: 'all fine' }), 'results'],
      [
        JSON.stringify({ serverTime: 'now', results: [{ id: 'e-1', status: 'exploded' }] }),
        'results.0.status',
      ],
      ['not json', 'the body'],
    ];
    for (const [body, where] of cases) {
      const stationFetch = createStationFetch({
        baseUrl: 'http://edge.test',
        token: 't',
        fetch: fakeFetch(() => new Response(body, { status: 200 })).fetch,
      });
      const answer = await stationFetch({
        method: 'POST',
        path: '/api/v1/events',
        body: {},
        answer: pushResponseSchema,
      });
      expect(answer).toMatchObject({ ok: false, problem: { kind: 'bad-answer', status: 200 } });
      const message = answer.ok ? '' : describeProblem(answer.problem);
      expect(message).toContain(
        "the edge server's answer to POST /api/v1/events does not match the contract",
      );
      expect(message).toContain(`${where}:`);
    }
  });

  it('SY-9: no answer (offline, refused, reset) or none within the timeout is a network problem, never a throw', async () => {
    const refused = createStationFetch({
      baseUrl: 'http://edge.test',
      token: 't',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const answer = await refused({ path: '/api/v1/station/snapshot', answer: snapshotSchema });
    expect(answer).toEqual({ ok: false, problem: { kind: 'network', message: 'Failed to fetch' } });
    expect(answer.ok ? '' : describeProblem(answer.problem)).toBe(
      'cannot reach the edge server: Failed to fetch',
    );

    const silent = createStationFetch({
      baseUrl: 'http://edge.test',
      token: 't',
      timeoutMs: 2000,
      fetch: () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')),
    });
    expect(await silent({ path: '/api/v1/station/snapshot', answer: snapshotSchema })).toEqual({
      ok: false,
      problem: { kind: 'network', message: 'no answer within 2 s' },
    });

    const cutMidBody = createStationFetch({
      baseUrl: 'http://edge.test',
      token: 't',
      fetch: () => {
        const body = new ReadableStream({
          start(controller) {
            controller.error(new TypeError('network error'));
          },
        });
        return Promise.resolve(new Response(body, { status: 200 }));
      },
    });
    expect(await cutMidBody({ path: '/api/v1/station/snapshot', answer: snapshotSchema })).toEqual({
      ok: false,
      problem: { kind: 'network', message: 'network error' },
    });
  });
});
