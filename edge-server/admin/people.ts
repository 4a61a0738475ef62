/**
 * @module Operators (badge, optional PIN, preferred language; listed, changed, deactivated) and
 * supervisor/admin users (hashed passwords; listed).
 */
import type Database from 'better-sqlite3';
import type { ZodMiniType } from 'zod/mini';
import { z } from 'zod';
import type { DeskOperator, DeskUser, OperatorChange } from '../../shared/people-desk-api';
import { operatorChangeSchema } from '../../shared/people-desk-api';
import { STATION_LANGUAGES } from '../../shared/protocol';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { bumpReferenceSeq } from '../reference/reference-data';
import { hashPassword, hashPin } from '../auth/secrets';
import { parseOrThrow } from './parse';

export const addOperatorSchema = z.object({
  badge: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200).optional(),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits')
    .optional(),
  language: z
    .enum(STATION_LANGUAGES)
    .optional()
    .describe('The language a station speaks when they sign in (unless they chose another there)'),
});

export const operatorAddedSchema = z.object({
  badge: z.string(),
  name: z.string(),
  hasPin: z.boolean(),
  language: z.enum(STATION_LANGUAGES).nullable(),
});
export type OperatorAdded = z.infer<typeof operatorAddedSchema>;

export function addOperator(db: Database.Database, input: unknown, now: string): Result<OperatorAdded> {
  return attempt(() => {
    const o = parseOrThrow(addOperatorSchema, input, 'operator');
    return db
      .transaction(() => {
        if (db.prepare('SELECT 1 FROM operator WHERE badge = ?').get(o.badge)) {
          throw new DomainError('conflict', `An operator with badge ${o.badge} already exists`);
        }
        const name = o.name ?? o.badge;
        const language = o.language ?? null;
        db.prepare(
          'INSERT INTO operator (badge, name, pin_hash, language, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(o.badge, name, o.pin ? hashPin(o.pin) : null, language, now);
        bumpReferenceSeq(db);
        return { badge: o.badge, name, hasPin: o.pin !== undefined, language };
      })
      .immediate();
  });
}

export const addUserSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits, and . _ @ - only'),
  role: z.enum(['supervisor', 'admin']),
  password: z.string().min(8, 'a password has at least 8 characters').max(200),
});

export const userAddedSchema = z.object({ username: z.string(), role: addUserSchema.shape.role });
export type UserAdded = z.infer<typeof userAddedSchema>;

export function addUser(db: Database.Database, input: unknown, now: string): Result<UserAdded> {
  return attempt(() => {
    const u = parseOrThrow(addUserSchema, input, 'user');
    const hash = hashPassword(u.password);
    return db
      .transaction(() => {
        if (db.prepare('SELECT 1 FROM app_user WHERE username = ?').get(u.username)) {
          throw new DomainError('conflict', `A user named ${u.username} already exists`);
        }
        db.prepare(
          'INSERT INTO app_user (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)',
        ).run(u.username, u.role, hash, now);
        return { username: u.username, role: u.role };
      })
      .immediate();
  });
}

/** A zod/mini schema's parse (shared/ schemas): a 400 naming every field that is wrong. */
function parseShared<T>(schema: ZodMiniType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const text = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
  throw new DomainError('invalid', `Invalid ${what}: ${text}`, issues);
}

interface OperatorRow {
  badge: string;
  name: string;
  pin_hash: string | null;
  language: DeskOperator['language'];
  active: number;
  created_at: string;
}

const OPERATOR_COLUMNS = 'badge, name, pin_hash, language, active, created_at';

const toOperator = (row: OperatorRow): DeskOperator => ({
  badge: row.badge,
  name: row.name,
  hasPin: row.pin_hash !== null,
  language: row.language,
  active: row.active === 1,
  createdAt: row.created_at,
});

/** Every operator, active ones first, by badge (a PIN only as whether there is one). */
export function listOperators(db: Database.Database): DeskOperator[] {
  const rows = db
    .prepare(`SELECT ${OPERATOR_COLUMNS} FROM operator ORDER BY active DESC, badge`)
    .all() as OperatorRow[];
  return rows.map(toOperator);
}

/** An operator after a change, and what changed as the audit line says it (never the PIN itself). */
export interface OperatorChanged {
  operator: DeskOperator;
  changed: Record<string, string | boolean | null>;
}

/**
 * Changes an operator's name, PIN (set or cleared), preferred language or whether they are active
 * (SPEC DK-34, DK-35). The reference counter moves, so every station's next snapshot carries it: a
 * deactivated operator leaves the snapshot's list and their badge is refused on the next push.
 */
export function changeOperator(
  db: Database.Database,
  badge: string,
  input: unknown,
): Result<OperatorChanged> {
  return attempt(() => {
    const change: OperatorChange = parseShared(operatorChangeSchema, input, 'operator change');
    if (Object.values(change).every((v) => v === undefined)) {
      throw new DomainError('invalid', 'Invalid operator change: give name, pin, language or active', [
        { path: '', message: 'give name, pin, language or active' },
      ]);
    }
    return db
      .transaction((): OperatorChanged => {
        const row = db.prepare(`SELECT ${OPERATOR_COLUMNS} FROM operator WHERE badge = ?`).get(badge) as
          OperatorRow | undefined;
        if (!row) throw new DomainError('not-found', `No operator with badge ${badge}`);
        const next: OperatorRow = { ...row };
        const changed: OperatorChanged['changed'] = {};
        if (change.name !== undefined) next.name = changed.name = change.name;
        if (change.pin !== undefined) {
          next.pin_hash = change.pin === null ? null : hashPin(change.pin);
          changed.pin = change.pin === null ? 'cleared' : 'set';
        }
        if (change.language !== undefined) next.language = changed.language = change.language;
        if (change.active !== undefined) {
          next.active = change.active ? 1 : 0;
          changed.active = change.active;
        }
        db.prepare(
          'UPDATE operator SET name = ?, pin_hash = ?, language = ?, active = ? WHERE badge = ?',
        ).run(next.name, next.pin_hash, next.language, next.active, badge);
        bumpReferenceSeq(db);
        return { operator: toOperator(next), changed };
      })
      .immediate();
  });
}

/** Every supervisor and admin account, by name (never a password hash). */
export function listUsers(db: Database.Database): DeskUser[] {
  return db
    .prepare('SELECT username, role, created_at AS createdAt FROM app_user ORDER BY username')
    .all() as DeskUser[];
}
