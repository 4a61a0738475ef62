/**
 * The planning desk's audit trail (SPEC DK-1) over real HTTP: each admin change leaves one line with
 * who and when; a refused change leaves none; the trail pages newest first and filters by subject.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminChangePageSchema } from '../../shared/admin-changes-api';
import type { TestEdge } from '../support/edge';
import { startTestEdge } from '../support/edge';

describe('admin changes (DK-1)', () => {
  let edge: TestEdge;
  let admin: string;
  beforeEach(async () => {
    edge = await startTestEdge();
    admin = await edge.login('admin');
  });

  function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${edge.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
  function get(path: string): Promise<Response> {
    return fetch(`${edge.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
  }
  afterEach(async () => {
    await edge.close();
  });

  async function changes(query = ''): Promise<ReturnType<typeof adminChangePageSchema.parse>> {
    const res = await get(`/api/v1/admin/changes${query}`);
    expect(res.status).toBe(200);
    return adminChangePageSchema.parse(await res.json());
  }

  it('DK-1: an added operator is one line naming the admin and when; a refused change leaves none', async () => {
    const before = (await changes()).changes.length;
    const added = await post('/api/v1/admin/operators', { badge: 'OP-AUDIT', name: 'Somchai' });
    expect(added.status).toBe(201);
    const again = await post('/api/v1/admin/operators', { badge: 'OP-AUDIT' });
    expect(again.status).toBe(409);
    const page = await changes();
    expect(page.changes.length).toBe(before + 1);
    expect(page.changes[0]).toMatchObject({
      action: 'operator.add',
      subject: 'OP-AUDIT',
      by: edge.demo.admin.username,
    });
    expect(Date.parse(page.changes[0]!.at)).not.toBeNaN();
  });

  it('DK-1: pages newest first without repeating a line, and narrows to one subject', async () => {
    for (const badge of ['OP-A1', 'OP-A2', 'OP-A3']) {
      const res = await post('/api/v1/admin/operators', { badge });
      expect(res.status).toBe(201);
    }
    const first = await changes('?limit=2');
    expect(first.changes.map((c) => c.subject)).toEqual(['OP-A3', 'OP-A2']);
    expect(first.next).not.toBeNull();
    const second = await changes(`?limit=2&after=${first.next}`);
    expect(second.changes[0]?.subject).toBe('OP-A1');
    expect((await changes('?subject=OP-A2')).changes.map((c) => c.action)).toEqual(['operator.add']);
    const bad = await get('/api/v1/admin/changes?action=delete.everything');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('action');
  });
});
