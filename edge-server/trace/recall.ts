/**
 * @module Recall (SPEC SV-33): every token that contains a component serial, directly or through its
 * family (bound on a split branch, it ends in the root the branch was joined into), and through
 * sub-assemblies: a serial that holds it and was itself bound into another token is recalled in
 * turn, level by level (each serial once, so a loop ends). Finished ones only unless asked for
 * all; a sub-assembly is followed whether or not it is finished. An index seek on
 * component_binding_serial, then primary keys; read in batches like the timeline (timeline.ts says
 * why), so that an export streams.
 */
import type Database from 'better-sqlite3';
import type { TokenStatus } from '../../shared/domain';
import type { RecallRow } from '../../shared/trace-api';
import { DomainError } from '../errors';
import { BATCH_ROWS } from './timeline';
import { MAX_QUERY_LENGTH } from './search';

/** The component serial asked for, or a 400 naming `component`. */
export function componentOf(text: string | undefined): string {
  const component = (text ?? '').trim();
  if (component === '')
    throw new DomainError(
      'invalid',
      'component: the component serial to recall (as bound with bind_component)',
    );
  if (component.length > MAX_QUERY_LENGTH)
    throw new DomainError(
      'invalid',
      `component: at most ${MAX_QUERY_LENGTH} characters (got ${component.length})`,
    );
  return component;
}

/** How many serials of one level one query asks about. */
const SERIALS_PER_QUERY = 500;

interface Row {
  bid: number;
  componentSerial: string;
  serial: string;
  ticket: string;
  product: string;
  routing: string;
  status: TokenStatus;
  since: string;
  nodeCode: string;
  boundOnBranch: string | null;
  boundAt: string;
  boundAtNode: string | null;
  boundByStation: string | null;
  boundByOperator: string | null;
}

/**
 * One serial's bindings after a binding id, in id order straight from the index on the serial
 * (INDEXED BY: with a site's statistics the planner otherwise walked every binding in id order).
 */
export const BINDINGS_OF_SERIAL = `SELECT b.id AS bid, b.component_serial AS componentSerial, r.code AS serial,
    j.code AS ticket, j.product, g.code AS routing, r.status, r.status_since AS since, r.node_code AS nodeCode,
    t.branch AS boundOnBranch, b.bound_at AS boundAt, e.node_code AS boundAtNode, s.name AS boundByStation,
    e.operator_badge AS boundByOperator
  FROM component_binding b INDEXED BY component_binding_serial
  JOIN flow_token t ON t.id = b.token_id JOIN flow_token r ON r.id = t.root_token_id
  JOIN job_ticket j ON j.id = r.ticket_id JOIN routing_graph g ON g.id = r.graph_id
  LEFT JOIN token_event e ON e.id = b.event_row_id LEFT JOIN station s ON s.id = e.station_id
  WHERE b.component_serial = ? AND b.id > ?
  ORDER BY b.id LIMIT ?`;

/** Which of these serials (a JSON array) were bound anywhere: one query for many index seeks. */
export const BOUND_SERIALS = `SELECT DISTINCT component_serial FROM component_binding INDEXED BY component_binding_serial
  WHERE component_serial IN (SELECT value FROM json_each(?))`;

/**
 * The bindings of `component`, each with the token it ended in, in the order they were bound; then
 * those of the serials found (depth 2), and so on.
 */
export function* recallBatches(
  db: Database.Database,
  component: string,
  all: boolean,
): Generator<RecallRow[], void, void> {
  const bindings = db.prepare(BINDINGS_OF_SERIAL);
  const bound = db.prepare(BOUND_SERIALS).pluck();
  const seen = new Set([component]);
  let level = [component];
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[] = [];
    // A lot bound into 1,000 serials makes 1,000 serials to look up at the next level, most bound
    // nowhere: which ones were is asked a chunk at a time, then each of those is read in id order.
    for (let i = 0; i < level.length; i += SERIALS_PER_QUERY) {
      const chunk = level.slice(i, i + SERIALS_PER_QUERY);
      const found = new Set(bound.all(JSON.stringify(chunk)) as string[]);
      for (const serial of chunk.filter((c) => found.has(c))) {
        for (const rows of bindingBatches(bindings, serial)) {
          for (const row of rows)
            if (!seen.has(row.serial)) {
              seen.add(row.serial);
              next.push(row.serial);
            }
          const shown = rows.filter((row) => all || row.status === 'completed');
          if (shown.length > 0)
            yield shown.map(({ bid: _bid, since, ...row }) => ({
              ...row,
              depth,
              finished: row.status === 'completed',
              finishedAt: row.status === 'completed' ? since : null,
            }));
        }
      }
    }
    level = next;
  }
}

/** Every binding of one serial, in batches, whatever the status of the token it ended in. */
function* bindingBatches(batch: Database.Statement, serial: string): Generator<Row[], void, void> {
  let after = 0;
  for (;;) {
    const rows: Row[] = [];
    for (const row of batch.iterate(serial, after, BATCH_ROWS) as IterableIterator<Row>) rows.push(row);
    if (rows.length > 0) yield rows;
    if (rows.length < BATCH_ROWS) return;
    after = rows.at(-1)?.bid ?? after;
  }
}
