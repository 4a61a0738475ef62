/**
 * @module test/support/admin-api
 * The admin HTTP client the server tests share: one request with a Bearer token over real HTTP,
 * its status, its text and its JSON body. The edge and the token are read when a request is sent
 * (they are made again in each test's beforeEach).
 */

export interface AdminAnswer {
  status: number;
  text: string;
  /** The parsed JSON body (any: the test's assertions are its type check); null when there was none. */
  body: any;
}

/** method, path (after `prefix`), a body (JSON-encoded unless it is already a string), a token. */
export type AdminSend = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<AdminAnswer>;

/**
 * A sender to `url() + prefix + path` with `token()` (a token, or a sign-in that gives one) unless
 * a token is given (another user's, or a made-up one to see the refusal).
 */
export function adminSender(
  url: () => string,
  token: () => string | Promise<string>,
  prefix = '',
): AdminSend {
  return async (method, path, body, bearer) => {
    const headers: Record<string, string> = { authorization: `Bearer ${bearer ?? (await token())}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url()}${prefix}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
}
