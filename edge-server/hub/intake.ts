/**
 * @module Hub mode: an edge server that is the upstream of other sites accepts their applied-event
 * records on POST /api/v1/events (a site credential tells this envelope from a station's), keeps
 * each exactly once by id with the site it came from, and queues it for its own upstream, so sites
 * chain without new code.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  appliedEventRecordSchema,
  describeIssues,
  MAX_EVENTS_PER_BATCH,
  siteEnvelopeSchema,
} from '../../shared/protocol';
import type { HubRejectionCode, Reason } from '../../shared/reason-codes';
import { canonicalJson } from '../../shared/canonical-json';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { NEXT_APPLIED_SEQ } from '../ingest/applied-order';
import type { OutboxSignal } from '../ingest/outbox-signal';
import { hashToken, newSecret } from '../auth/secrets';

export interface SiteEntry {
  id: number;
  code: string;
  /** A hub that relays other sites' records; a plain site may send only its own. */
  relays: boolean;
}

export type HubResult =
  | { id: string; status: 'accepted' | 'duplicate' }
  | { id: string; status: 'rejected'; reason: Reason<HubRejectionCode> };

export const enrollSiteSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only'),
  relays: z.boolean().default(false),
});

/** Issues a site credential (shown once, stored hashed); enrolling a code again replaces it. */
export function enrollSite(
  db: Database.Database,
  input: unknown,
  now: string,
): Result<{ code: string; relays: boolean; credential: string }> {
  return attempt(() => {
    const parsed = enrollSiteSchema.safeParse(input);
    if (!parsed.success) throw new DomainError('invalid', `Invalid site: ${describeIssues(parsed.error)}`);
    const credential = newSecret();
    db.prepare(
      `INSERT INTO upstream_site (code, token_hash, relays, enrolled_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET token_hash = excluded.token_hash, relays = excluded.relays,
         enrolled_at = excluded.enrolled_at, revoked_at = NULL`,
    ).run(parsed.data.code, hashToken(credential), parsed.data.relays ? 1 : 0, now);
    return { code: parsed.data.code, relays: parsed.data.relays, credential };
  });
}

export function siteByCredential(db: Database.Database, tokenHash: string): SiteEntry | undefined {
  const row = db
    .prepare('SELECT id, code, relays FROM upstream_site WHERE token_hash = ? AND revoked_at IS NULL')
    .get(tokenHash) as { id: number; code: string; relays: number } | undefined;
  return row ? { id: row.id, code: row.code, relays: row.relays === 1 } : undefined;
}

/** Stores a site's records in one transaction; one result per record, in order. */
export function acceptSiteRecords(
  db: Database.Database,
  signal: OutboxSignal,
  sender: SiteEntry,
  body: unknown,
  now: string,
): Result<HubResult[]> {
  return attempt(() => storeSiteRecords(db, signal, sender, body, now));
}

function storeSiteRecords(
  db: Database.Database,
  signal: OutboxSignal,
  sender: SiteEntry,
  body: unknown,
  now: string,
): HubResult[] {
  const records = (body as { records?: unknown } | null)?.records;
  if (Array.isArray(records) && records.length > MAX_EVENTS_PER_BATCH) {
    throw new DomainError(
      'too-large',
      `A request holds at most ${MAX_EVENTS_PER_BATCH} records; this one has ${records.length}`,
    );
  }
  const envelope = siteEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new DomainError(
      'invalid',
      `Not a site envelope: ${describeIssues(envelope.error)}`,
      envelope.error.issues,
    );
  }
  if (envelope.data.site !== sender.code) {
    throw new DomainError(
      'forbidden',
      `This credential is site ${sender.code}'s, not ${envelope.data.site}'s`,
    );
  }
  const find = db.prepare('SELECT content_hash FROM hub_record WHERE record_id = ?');
  // A relayed record takes its place in application order (queued upstream) as it is stored.
  const insert = db.prepare(
    `INSERT INTO hub_record (site_id, record_id, content_hash, record_json, received_at, family, applied_seq)
     VALUES (?, ?, ?, ?, ?, ?, ${NEXT_APPLIED_SEQ})`,
  );
  // Tokens with a record refused in this request: their later records wait (order per token).
  const refused = new Set<string>();
  return db
    .transaction((): HubResult[] =>
      envelope.data.records.map((raw): HubResult => {
        const parsed = appliedEventRecordSchema.safeParse(raw);
        const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : '';
        if (!parsed.success) {
          return {
            id,
            status: 'rejected',
            reason: { code: 'INVALID_RECORD', message: describeIssues(parsed.error) },
          };
        }
        if (!sender.relays && parsed.data.site !== sender.code) {
          return {
            id,
            status: 'rejected',
            reason: {
              code: 'FOREIGN_SITE',
              message: `site ${sender.code} may send its own records only, not ${parsed.data.site}'s (enroll it with relays for a hub)`,
            },
          };
        }
        const family = `${parsed.data.site}/${parsed.data.code}`;
        if (refused.has(family)) {
          return {
            id,
            status: 'rejected',
            reason: {
              code: 'HELD_BEHIND_REJECTED',
              message: `an earlier record of ${parsed.data.code} in this request was rejected`,
            },
          };
        }
        const json = canonicalJson(parsed.data);
        const hash = createHash('sha256').update(json).digest('hex');
        const existing = find.get(parsed.data.id) as { content_hash: string } | undefined;
        if (existing) {
          if (existing.content_hash === hash) return { id, status: 'duplicate' };
          refused.add(family);
          return {
            id,
            status: 'rejected',
            reason: {
              code: 'IDEMPOTENCY_KEY_REUSED',
              message: `record ${id} was received before with other content`,
            },
          };
        }
        insert.run(sender.id, parsed.data.id, hash, json, now, family);
        signal.queued();
        return { id, status: 'accepted' };
      }),
    )
    .immediate();
}
