// @vitest-environment happy-dom
/**
 * A new site's setup form as its first admin meets it (SPEC DK-2), with a fake server: shown only
 * while the site has no admin, the code from the log's link filled in and dropped from the address,
 * refusals said in words, and the new admin signed in with what they typed.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleEn } from '../../client/console/i18n/en';
import { consoleLanguage } from '../../client/console/i18n/language';
import type { HashWindow } from '../../client/console/router';
import { SignedOut } from '../../client/console/views/first-admin';

beforeEach(() => consoleLanguage.choose('en'));
afterEach(cleanup);

const t = consoleEn.firstAdmin;

function fakeWindow(hash: string): HashWindow {
  return { location: { hash }, addEventListener: () => undefined, removeEventListener: () => undefined };
}

/** A server without an admin whose code is ABCD-EFGH-JK23; each POST is recorded. */
function fakeServer(needed: boolean) {
  const posts: unknown[] = [];
  const fetcher = ((_url: string, init?: RequestInit) => Promise.resolve(answer(init))) as typeof fetch;
  function answer(init?: RequestInit): Response {
    if (init?.method !== 'POST' || typeof init.body !== 'string') return Response.json({ needed });
    const body = JSON.parse(init.body) as { code: string; username: string };
    posts.push(body);
    if (body.code !== 'ABCD-EFGH-JK23')
      return Response.json(
        { error: { code: 'UNAUTHORIZED', message: 'code: not this server’s setup code' } },
        { status: 401 },
      );
    return Response.json({ username: body.username, role: 'admin' }, { status: 201 });
  }
  return { fetcher, posts };
}

const signedOut = { kind: 'signed-out' as const, problem: null, busy: false };

describe('first admin setup (DK-2)', () => {
  it('DK-2: the link’s code is filled in and leaves the address; a wrong code is said in words; the right one signs the admin in', async () => {
    const server = fakeServer(true);
    const window = fakeWindow('#setup=WXYZ-EFGH-JK23');
    const signIns: string[][] = [];
    render(
      <SignedOut
        fetcher={server.fetcher}
        window={window}
        state={signedOut}
        onSignIn={(u, p) => signIns.push([u, p])}
      />,
    );
    await screen.findByRole('heading', { name: t.heading });
    expect(window.location.hash).toBe('');
    const code = screen.getByLabelText<HTMLInputElement>(t.code);
    expect(code.value).toBe('WXYZ-EFGH-JK23');
    fireEvent.input(screen.getByLabelText(t.username), { target: { value: 'nok' } });
    fireEvent.input(screen.getByLabelText(t.password), {
      target: { value: 'a-long-password' },
    });
    fireEvent.click(screen.getByRole('button', { name: t.submit }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(t.wrongCode));
    expect(signIns).toEqual([]);
    fireEvent.input(code, { target: { value: 'ABCD-EFGH-JK23' } });
    fireEvent.click(screen.getByRole('button', { name: t.submit }));
    await waitFor(() => expect(signIns).toEqual([['nok', 'a-long-password']]));
    expect(server.posts).toHaveLength(2);
  });

  it('DK-2: a site that has its admin shows the sign-in form, not the setup form', async () => {
    render(
      <SignedOut
        fetcher={fakeServer(false).fetcher}
        window={fakeWindow('')}
        state={signedOut}
        onSignIn={() => undefined}
      />,
    );
    await screen.findByRole('heading', { name: consoleEn.signIn.heading });
    expect(screen.queryByRole('heading', { name: t.heading })).toBeNull();
  });
});
