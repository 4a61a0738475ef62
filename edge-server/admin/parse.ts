/** @module Admin input parsing: a 400 whose message and details name every field that is wrong. */
import type { z } from 'zod';
import { describeIssues } from '../../shared/protocol';
import { DomainError } from '../errors';

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError(
      'invalid',
      `Invalid ${what}: ${describeIssues(parsed.error)}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}
