/** @module Reading a request body with the limits of protocol.md, so that no input can cause a 500. */
import { MAX_BODY_BYTES } from '../../shared/protocol';
import { ApiError } from './errors';

/**
 * Reads at most `limit` bytes of a JSON body as text (413 beyond, 400 if it is not JSON by its
 * Content-Type, or if the client hung up before sending all of it). `optional`: an empty body is ''.
 */
export async function readBodyText(
  request: Request,
  limit = MAX_BODY_BYTES,
  options: { optional?: boolean } = {},
): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const type = request.headers.get('content-type') ?? '';
  if (type !== '' && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(
      'BAD_REQUEST',
      `The body must be JSON (Content-Type: application/json), not ${type.slice(0, 80)}`,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        // The connection closed mid-body: nobody waits for an answer, and it is not our error.
        throw new ApiError('BAD_REQUEST', 'The request body ended early: the client closed the connection');
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(chunk.value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '' && !options.optional) {
    throw new ApiError('BAD_REQUEST', 'The request has no body; send a JSON object');
  }
  return text;
}

/** Reads at most `limit` bytes (413 beyond) and parses them as JSON (400 if they are not). */
export async function readJsonBody(
  request: Request,
  limit = MAX_BODY_BYTES,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const text = await readBodyText(request, limit, options);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `A request body is at most ${limit} bytes; send smaller batches`);
}
