/** @module Operators (badge, optional PIN) and supervisor/admin users (hashed passwords). */
import type Database from 'better-sqlite3';
import { z } from 'zod';
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
});

export const operatorAddedSchema = z.object({ badge: z.string(), name: z.string(), hasPin: z.boolean() });
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
        db.prepare('INSERT INTO operator (badge, name, pin_hash, created_at) VALUES (?, ?, ?, ?)').run(
          o.badge,
          name,
          o.pin ? hashPin(o.pin) : null,
          now,
        );
        bumpReferenceSeq(db);
        return { badge: o.badge, name, hasPin: o.pin !== undefined };
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
