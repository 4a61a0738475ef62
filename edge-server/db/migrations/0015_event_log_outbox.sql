-- The event log is the upstream outbox, and an event is stored once, compactly (SPEC PF-1 … PF-9).
--
-- Before: every applied event had a token_event row (ISO text times, a hex content hash, its first
-- result as JSON) and an upstream_outbox row with three indexes: about 1 KB per event on disk.
-- After: applied events carry `applied_seq`, their place in application order (shared with the
-- records a hub relays, hub_record.applied_seq); the forwarder reads the log from a durable cursor
-- (upstream_cursor); only the exceptions (a record refused, held behind a refused one of its token,
-- or a dead letter) have a row of their own (upstream_exception). Times are integer milliseconds,
-- the content hash is 16 bytes, what the row can tell (origin, corrected and applied times, the
-- first result) is not stored again.
--
-- Pending outbox rows are carried over: a record keeps its outbox id as its applied_seq, so dead
-- letters, their problems (problem_state.source_id) and the activity log keep their numbers.

-- The table is rebuilt under the same ids its children point to (SQLite's documented way: with
-- foreign keys off, then checked whole before the commit; see migrate.ts).
-- migrate: foreign_keys off

DROP VIEW upstream_record;
DROP TRIGGER floor_done_insert;
DROP TRIGGER floor_done_update;
DROP TRIGGER shift_first_qc_insert;
DROP TRIGGER shift_first_qc_update;
DROP TRIGGER shift_loss_insert;
DROP TRIGGER shift_loss_update;
DROP TRIGGER problem_dead_letter_open;
DROP TRIGGER problem_dead_letter_resent;

CREATE TABLE token_event_compact (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  -- The first 16 bytes of the SHA-256 of the event's content: a resend must match it.
  content_hash BLOB NOT NULL,
  event_type TEXT NOT NULL,
  -- NULL for a system event: the server recorded it (origin says so without storing a word).
  station_id INTEGER REFERENCES station (id),
  origin TEXT GENERATED ALWAYS AS (CASE WHEN station_id IS NULL THEN 'system' ELSE 'station' END) VIRTUAL,
  seq INTEGER,
  code TEXT NOT NULL,
  node_code TEXT,
  operator_badge TEXT,
  -- Milliseconds since 1970-01-01 UTC. When it happened by the station's clock, and that clock's
  -- measured skew then (NULL: none); corrected_ms is what parking and the figures go by.
  occurred_ms INTEGER NOT NULL,
  skew_ms INTEGER,
  corrected_ms INTEGER GENERATED ALWAYS AS (occurred_ms - coalesce(skew_ms, 0)) VIRTUAL,
  -- When the server received it, and how much later it took effect (NULL: at once, or never).
  received_ms INTEGER NOT NULL,
  applied_delay_ms INTEGER,
  applied_ms INTEGER GENERATED ALWAYS AS (
    CASE WHEN status = 'applied' THEN received_ms + coalesce(applied_delay_ms, 0) END) VIRTUAL,
  qty INTEGER,
  data_json TEXT NOT NULL,
  root_token_id INTEGER REFERENCES flow_token (id),
  token_id INTEGER REFERENCES flow_token (id),
  status TEXT NOT NULL CHECK (status IN ('applied', 'parked', 'conflict', 'rejected', 'discarded')),
  reason_code TEXT,
  reason_message TEXT,
  -- The first outcome, kept only for an event that was parked first: an event applied or rejected
  -- at once answers a resend from its own columns (status, reason, token_after_json).
  result_json TEXT,
  token_after_json TEXT,
  -- Its place in application order once it took effect (the forwarder's order); never reused.
  applied_seq INTEGER
);

INSERT INTO token_event_compact (id, event_id, content_hash, event_type, station_id, seq, code, node_code,
  operator_badge, occurred_ms, skew_ms, received_ms, applied_delay_ms, qty, data_json, root_token_id,
  token_id, status, reason_code, reason_message, result_json, token_after_json, applied_seq)
SELECT e.id, e.event_id, coalesce(substr(unhex(e.content_hash), 1, 16), CAST(e.content_hash AS BLOB)), e.event_type,
  CASE WHEN e.origin = 'station' THEN e.station_id END, e.seq, e.code, e.node_code, e.operator_badge,
  t.occurred, nullif(t.occurred - t.corrected, 0), t.received,
  CASE WHEN e.status = 'applied' THEN nullif(t.applied - t.received, 0) END,
  e.qty, e.data_json, e.root_token_id, e.token_id, e.status, e.reason_code, e.reason_message,
  CASE WHEN e.result_json ->> '$.status' = 'parked' THEN e.result_json END,
  e.token_after_json,
  o.id
FROM token_event e
JOIN (SELECT id,
    CAST(round(unixepoch(occurred_at, 'subsec') * 1000) AS INTEGER) AS occurred,
    CAST(round(unixepoch(occurred_at_corrected, 'subsec') * 1000) AS INTEGER) AS corrected,
    CAST(round(unixepoch(received_at, 'subsec') * 1000) AS INTEGER) AS received,
    CAST(round(unixepoch(applied_at, 'subsec') * 1000) AS INTEGER) AS applied
  FROM token_event) t ON t.id = e.id
LEFT JOIN upstream_outbox o ON o.event_row_id = e.id
ORDER BY e.id;

DROP TABLE token_event;
-- Other tables' triggers name token_event: the rename must leave them as they are, not check them
-- against a table that is gone for this one statement.
PRAGMA legacy_alter_table = ON;
ALTER TABLE token_event_compact RENAME TO token_event;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX token_event_root ON token_event (root_token_id);
CREATE UNIQUE INDEX token_event_applied ON token_event (applied_seq) WHERE applied_seq IS NOT NULL;

-- Relayed records take their place in the same order; the family is '<site>/<code>'.
ALTER TABLE hub_record ADD COLUMN applied_seq INTEGER;
ALTER TABLE hub_record ADD COLUMN family TEXT;
UPDATE hub_record SET (applied_seq, family) = (
  SELECT o.id, o.family FROM upstream_outbox o WHERE o.hub_record_id = hub_record.id);
CREATE UNIQUE INDEX hub_record_applied ON hub_record (applied_seq) WHERE applied_seq IS NOT NULL;

-- Every record at or below `forwarded_through` was forwarded, unless it has an exception row.
CREATE TABLE upstream_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  forwarded_through INTEGER NOT NULL
);

-- The records that need more than the cursor: refused ones (attempts, the last error), those
-- waiting behind a refused record of their token, and dead letters. A forwarded record has none.
CREATE TABLE upstream_exception (
  applied_seq INTEGER PRIMARY KEY,
  -- 'T<root token id>' or '<site>/<code>': a dead letter holds back only its own family.
  family TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  permanent_failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX upstream_exception_dead ON upstream_exception (family, applied_seq) WHERE state = 'dead';

-- The cursor: the newest forwarded record, or just before the oldest unforwarded one when nothing
-- after it was forwarded; never below the outbox's own high-water mark when all was forwarded.
INSERT INTO upstream_cursor (id, forwarded_through)
SELECT 1, max(
  coalesce((SELECT max(id) FROM upstream_outbox WHERE status = 'forwarded'), 0),
  coalesce((SELECT min(id) - 1 FROM upstream_outbox WHERE status <> 'forwarded'),
    (SELECT seq FROM sqlite_sequence WHERE name = 'upstream_outbox'), 0));

INSERT INTO upstream_exception (applied_seq, family, state, attempts, permanent_failures, last_error, updated_at)
SELECT o.id, coalesce(o.family, 'T'), o.status, o.attempts, o.permanent_failures, o.last_error, o.created_at
FROM upstream_outbox o
WHERE o.status <> 'forwarded' AND (
  o.id <= (SELECT forwarded_through FROM upstream_cursor) OR o.attempts > 0 OR o.status = 'dead');

DROP TABLE upstream_outbox;

-- The applied-event record of protocol.md for each record in application order (`id` is its
-- applied_seq); a hub passes its sites' records on as they were sent.
CREATE VIEW upstream_record AS
SELECT
  e.applied_seq AS id,
  e.id AS event_row_id,
  'T' || e.root_token_id AS family,
  json_object(
    'id', e.event_id,
    'site', (SELECT site_code FROM site_info WHERE id = 1),
    'type', e.event_type,
    'origin', e.origin,
    'station', s.name,
    'seq', e.seq,
    'code', e.code,
    'nodeCode', e.node_code,
    'operatorBadge', e.operator_badge,
    'occurredAt', strftime('%Y-%m-%dT%H:%M:%fZ', e.occurred_ms / 1000.0, 'unixepoch'),
    'receivedAt', strftime('%Y-%m-%dT%H:%M:%fZ', e.received_ms / 1000.0, 'unixepoch'),
    'appliedAt', strftime('%Y-%m-%dT%H:%M:%fZ', e.applied_ms / 1000.0, 'unixepoch'),
    'qty', e.qty,
    'data', json(e.data_json),
    'token', json(e.token_after_json)
  ) AS record_json
FROM token_event e
LEFT JOIN station s ON s.id = e.station_id
WHERE e.applied_seq IS NOT NULL
UNION ALL
SELECT h.applied_seq, NULL, h.family, h.record_json
FROM hub_record h
WHERE h.applied_seq IS NOT NULL;

-- A record that dies (again, after a resend) is a new problem: its old row goes, the audit keeps it.
CREATE TRIGGER problem_dead_letter_insert AFTER INSERT ON upstream_exception
WHEN NEW.state = 'dead'
BEGIN
  DELETE FROM problem_state WHERE kind = 'dead_letter' AND source_id = NEW.applied_seq;
  INSERT INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('dead_letter', NEW.applied_seq,
    (SELECT root_token_id FROM token_event WHERE applied_seq = NEW.applied_seq),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER problem_dead_letter_open AFTER UPDATE OF state ON upstream_exception
WHEN NEW.state = 'dead' AND OLD.state <> 'dead'
BEGIN
  DELETE FROM problem_state WHERE kind = 'dead_letter' AND source_id = NEW.applied_seq;
  INSERT INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('dead_letter', NEW.applied_seq,
    (SELECT root_token_id FROM token_event WHERE applied_seq = NEW.applied_seq),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER problem_dead_letter_resent AFTER UPDATE OF state ON upstream_exception
WHEN OLD.state = 'dead' AND NEW.state <> 'dead'
BEGIN
  UPDATE problem_state SET state = 'resolved', state_by = NULL, state_reason = NULL, outcome = 'resent',
    state_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE kind = 'dead_letter' AND source_id = NEW.applied_seq;
END;

-- The floor's and the shift's figures, as in 0003 and 0009, on the new time columns.
CREATE TRIGGER floor_done_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station' AND NEW.event_type IN ('complete', 'qc_pass')
BEGIN
  INSERT INTO floor_done (graph_id, node_code, hour, ticket_id, completions, units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1, coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1)
  FROM flow_token r WHERE r.id = NEW.root_token_id
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    completions = completions + 1,
    units = units + excluded.units;
END;

CREATE TRIGGER floor_done_update AFTER UPDATE OF status ON token_event
WHEN NEW.status = 'applied' AND OLD.status <> 'applied' AND NEW.origin = 'station'
  AND NEW.event_type IN ('complete', 'qc_pass')
BEGIN
  INSERT INTO floor_done (graph_id, node_code, hour, ticket_id, completions, units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1, coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1)
  FROM flow_token r WHERE r.id = NEW.root_token_id
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    completions = completions + 1,
    units = units + excluded.units;
END;

CREATE TRIGGER shift_first_qc_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station' AND NEW.event_type IN ('qc_pass', 'qc_fail')
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, first_qc, first_pass)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1, NEW.event_type = 'qc_pass'
  FROM flow_token r WHERE r.id = NEW.root_token_id
    AND NOT EXISTS (SELECT 1 FROM qc_seen
      WHERE token_id = coalesce(NEW.token_id, NEW.root_token_id) AND node_code = NEW.node_code)
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    first_qc = first_qc + 1,
    first_pass = first_pass + excluded.first_pass;
  INSERT INTO qc_seen (token_id, node_code)
  SELECT coalesce(NEW.token_id, NEW.root_token_id), NEW.node_code
  WHERE coalesce(NEW.token_id, NEW.root_token_id) IS NOT NULL AND NEW.node_code IS NOT NULL
  ON CONFLICT (token_id, node_code) DO NOTHING;
END;

CREATE TRIGGER shift_first_qc_update AFTER UPDATE OF status ON token_event
WHEN NEW.status = 'applied' AND OLD.status <> 'applied' AND NEW.origin = 'station'
  AND NEW.event_type IN ('qc_pass', 'qc_fail')
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, first_qc, first_pass)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1, NEW.event_type = 'qc_pass'
  FROM flow_token r WHERE r.id = NEW.root_token_id
    AND NOT EXISTS (SELECT 1 FROM qc_seen
      WHERE token_id = coalesce(NEW.token_id, NEW.root_token_id) AND node_code = NEW.node_code)
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    first_qc = first_qc + 1,
    first_pass = first_pass + excluded.first_pass;
  INSERT INTO qc_seen (token_id, node_code)
  SELECT coalesce(NEW.token_id, NEW.root_token_id), NEW.node_code
  WHERE coalesce(NEW.token_id, NEW.root_token_id) IS NOT NULL AND NEW.node_code IS NOT NULL
  ON CONFLICT (token_id, node_code) DO NOTHING;
END;

CREATE TRIGGER shift_loss_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station'
  AND (NEW.event_type IN ('qc_fail', 'scrap')
    OR (NEW.event_type IN ('complete', 'qc_pass') AND NEW.data_json <> '{}'
      AND json_type(NEW.data_json, '$.scrapQty') = 'integer' AND NEW.data_json ->> '$.scrapQty' > 0))
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, scrap_count, scrap_units, rework_count, rework_units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1 - l.rework, (1 - l.rework) * l.units, l.rework, l.rework * l.units
  FROM flow_token r, (SELECT
      NEW.event_type = 'qc_fail' AND coalesce(NEW.token_after_json ->> '$.status', '') <> 'scrapped' AS rework,
      CASE WHEN NEW.event_type IN ('complete', 'qc_pass') THEN NEW.data_json ->> '$.scrapQty'
        ELSE coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1) END AS units) l
  WHERE r.id = NEW.root_token_id
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    scrap_count = scrap_count + excluded.scrap_count,
    scrap_units = scrap_units + excluded.scrap_units,
    rework_count = rework_count + excluded.rework_count,
    rework_units = rework_units + excluded.rework_units;
END;

CREATE TRIGGER shift_loss_update AFTER UPDATE OF status ON token_event
WHEN NEW.status = 'applied' AND OLD.status <> 'applied' AND NEW.origin = 'station'
  AND (NEW.event_type IN ('qc_fail', 'scrap')
    OR (NEW.event_type IN ('complete', 'qc_pass') AND NEW.data_json <> '{}'
      AND json_type(NEW.data_json, '$.scrapQty') = 'integer' AND NEW.data_json ->> '$.scrapQty' > 0))
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, scrap_count, scrap_units, rework_count, rework_units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.corrected_ms / 1000, 'unixepoch'),
    r.ticket_id, 1 - l.rework, (1 - l.rework) * l.units, l.rework, l.rework * l.units
  FROM flow_token r, (SELECT
      NEW.event_type = 'qc_fail' AND coalesce(NEW.token_after_json ->> '$.status', '') <> 'scrapped' AS rework,
      CASE WHEN NEW.event_type IN ('complete', 'qc_pass') THEN NEW.data_json ->> '$.scrapQty'
        ELSE coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1) END AS units) l
  WHERE r.id = NEW.root_token_id
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    scrap_count = scrap_count + excluded.scrap_count,
    scrap_units = scrap_units + excluded.scrap_units,
    rework_count = rework_count + excluded.rework_count,
    rework_units = rework_units + excluded.rework_units;
END;
