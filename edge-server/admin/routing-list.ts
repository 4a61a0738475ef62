/**
 * @module The planning desk's routings (SPEC DK-10 … DK-13): the published ones with every version
 * (its node count and the tickets released on it), one version's source as it was imported, and
 * what a checked routing would do if published now (new, the same, or changed under a version
 * already taken). Reads only; publishing is routings.ts.
 */
import type Database from 'better-sqlite3';
import type {
  PublishOutcome,
  RoutingChecked,
  RoutingSource,
  RoutingSummary,
} from '../../shared/routing-desk-api';
import { routingSourceBodySchema } from '../../shared/routing-desk-api';
import type { Result } from '../errors';
import { DomainError, attempt } from '../errors';
import { publishedRouting } from '../reference/reference-data';
import type { CheckedRouting } from './routings';

interface VersionRow {
  code: string;
  version: number;
  name: string;
  routing_mode: 'linear' | 'dag';
  published_at: string;
  nodes: number;
  tickets: number;
}

/** Every published routing, by code, its versions newest first (DK-10). */
export function listRoutings(db: Database.Database): RoutingSummary[] {
  const rows = db
    .prepare(
      `SELECT g.code, g.version, g.name, g.routing_mode, g.published_at,
         (SELECT count(*) FROM routing_node n WHERE n.graph_id = g.id) AS nodes,
         (SELECT count(*) FROM job_ticket t WHERE t.graph_id = g.id) AS tickets
       FROM routing_graph g WHERE ${publishedRouting('g')}
       ORDER BY g.code, g.version DESC`,
    )
    .all() as VersionRow[];
  const byCode = new Map<string, RoutingSummary>();
  for (const row of rows) {
    const summary = byCode.get(row.code) ?? { code: row.code, versions: [] };
    summary.versions.push({
      version: row.version,
      name: row.name,
      routingMode: row.routing_mode,
      nodes: row.nodes,
      publishedAt: row.published_at,
      tickets: row.tickets,
    });
    byCode.set(row.code, summary);
  }
  return [...byCode.values()];
}

/** A published version's source as it was imported (DK-11); an unknown code or version is a 404 naming it. */
export function routingSource(
  db: Database.Database,
  code: string,
  versionText: string,
): Result<RoutingSource> {
  return attempt(() => {
    if (!/^[1-9]\d{0,8}$/.test(versionText)) {
      throw new DomainError(
        'invalid',
        `version must be a whole number from 1, not ${versionText.slice(0, 40)}`,
        [{ path: 'version', message: 'must be a whole number from 1' }],
      );
    }
    const version = Number(versionText);
    const row = db
      .prepare(
        `SELECT source_json, published_at FROM routing_graph g
         WHERE g.code = ? AND g.version = ? AND ${publishedRouting('g')}`,
      )
      .get(code, version) as { source_json: string; published_at: string } | undefined;
    if (!row) {
      const known = db
        .prepare(`SELECT 1 FROM routing_graph g WHERE g.code = ? AND ${publishedRouting('g')} LIMIT 1`)
        .get(code);
      throw new DomainError(
        'not-found',
        known ? `Routing ${code} has no published version ${version}` : `No routing ${code} is published`,
        [
          known
            ? { path: 'version', message: `${code} v${version} is not published` }
            : { path: 'code', message: `${code} is not published` },
        ],
      );
    }
    const source = routingSourceBodySchema.parse(JSON.parse(row.source_json));
    return { code, version, publishedAt: row.published_at, source };
  });
}

/** What publishing a checked routing would do now (DK-12): the same rule as publish's 409. */
export function publishOutcome(db: Database.Database, routing: CheckedRouting): PublishOutcome {
  const row = db
    .prepare(
      `SELECT content_hash FROM routing_graph g WHERE g.code = ? AND g.version = ? AND ${publishedRouting('g')}`,
    )
    .get(routing.code, routing.version) as { content_hash: string } | undefined;
  if (!row) return 'new';
  return row.content_hash === routing.contentHash ? 'same' : 'changed';
}

/** The check's answer for a routing that passes every rule (DK-12). */
export function checkedSummary(db: Database.Database, routing: CheckedRouting): RoutingChecked {
  return {
    ok: true,
    code: routing.code,
    name: routing.name,
    version: routing.version,
    routingMode: routing.graph.routingMode,
    nodes: routing.graph.nodes.length,
    edges: routing.graph.edges.length,
    workCenters: routing.workCenters.length,
    publish: publishOutcome(db, routing),
  };
}
