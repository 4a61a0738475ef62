-- The shift figures' quality counts (SPEC SV-51, SV-52), kept by triggers in the transaction that
-- applies a station's event, whatever path applied it (a push, a parked event retried, a
-- supervisor's resolution), like floor_done (migration 0003): the figures page reads a few rows
-- per node and hour, never the event log. shared/shift-figures.ts states the rules;
-- edge-server/supervisor/shift-figures.ts recounts them from the log for the consistency tests.
-- Cost per event: a complete or a move fires nothing here (the WHEN clauses); a qc_pass or qc_fail
-- does two primary-key upserts and one root-token lookup; a qc_fail or scrap one more upsert.

-- Per routing version, node, hour (UTC, of the event's corrected device time) and ticket: tokens
-- QC'd there for the first time and how many of those passed, scraps and reworks (events, units).
CREATE TABLE floor_quality (
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  node_code TEXT NOT NULL,
  hour TEXT NOT NULL,
  ticket_id INTEGER NOT NULL REFERENCES job_ticket (id),
  first_qc INTEGER NOT NULL DEFAULT 0,
  first_pass INTEGER NOT NULL DEFAULT 0,
  scrap_count INTEGER NOT NULL DEFAULT 0,
  scrap_units INTEGER NOT NULL DEFAULT 0,
  rework_count INTEGER NOT NULL DEFAULT 0,
  rework_units INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (graph_id, node_code, hour, ticket_id)
) WITHOUT ROWID;
CREATE INDEX floor_quality_hour ON floor_quality (hour);

-- Which tokens have had a QC decision at which node: the first one counts (a pass is a first pass),
-- later ones (after rework) do not. One row per token and QC node; never deleted.
CREATE TABLE qc_seen (
  token_id INTEGER NOT NULL,
  node_code TEXT NOT NULL,
  PRIMARY KEY (token_id, node_code)
) WITHOUT ROWID;

CREATE TRIGGER shift_first_qc_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station' AND NEW.event_type IN ('qc_pass', 'qc_fail')
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, first_qc, first_pass)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id, 1,
    NEW.event_type = 'qc_pass'
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

-- A parked (or conflicting) QC decision applied later counts when it applies.
CREATE TRIGGER shift_first_qc_update AFTER UPDATE OF status ON token_event
WHEN NEW.status = 'applied' AND OLD.status <> 'applied' AND NEW.origin = 'station'
  AND NEW.event_type IN ('qc_pass', 'qc_fail')
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, first_qc, first_pass)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id, 1,
    NEW.event_type = 'qc_pass'
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

-- Losses (shared/shift-figures.ts lossOf): a qc_fail is a rework unless it scrapped the token; a
-- scrap is a scrap of the token's units; a complete or qc_pass with data.scrapQty (a whole number
-- above 0) is a scrap of those pieces.
CREATE TRIGGER shift_loss_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station'
  AND (NEW.event_type IN ('qc_fail', 'scrap')
    OR (NEW.event_type IN ('complete', 'qc_pass') AND NEW.data_json <> '{}'
      AND json_type(NEW.data_json, '$.scrapQty') = 'integer' AND NEW.data_json ->> '$.scrapQty' > 0))
BEGIN
  INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, scrap_count, scrap_units, rework_count, rework_units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id,
    1 - l.rework, (1 - l.rework) * l.units, l.rework, l.rework * l.units
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
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id,
    1 - l.rework, (1 - l.rework) * l.units, l.rework, l.rework * l.units
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

-- A site that already has events starts with figures counted from them: a token's first QC
-- decision at a node is its first applied one (by application time, then row id).
INSERT INTO qc_seen (token_id, node_code)
SELECT DISTINCT coalesce(token_id, root_token_id), node_code FROM token_event
WHERE status = 'applied' AND origin = 'station' AND event_type IN ('qc_pass', 'qc_fail')
  AND coalesce(token_id, root_token_id) IS NOT NULL AND node_code IS NOT NULL;

INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, first_qc, first_pass)
SELECT r.graph_id, f.node_code, strftime('%Y-%m-%dT%H:00:00Z', f.occurred_at_corrected) AS hour, r.ticket_id,
  count(*), sum(f.event_type = 'qc_pass')
FROM (SELECT e.*, row_number() OVER (
        PARTITION BY coalesce(e.token_id, e.root_token_id), e.node_code ORDER BY e.applied_at, e.id) AS n
      FROM token_event e
      WHERE e.status = 'applied' AND e.origin = 'station' AND e.event_type IN ('qc_pass', 'qc_fail')) f
JOIN flow_token r ON r.id = f.root_token_id
WHERE f.n = 1 AND f.node_code IS NOT NULL
GROUP BY r.graph_id, f.node_code, hour, r.ticket_id;

INSERT INTO floor_quality (graph_id, node_code, hour, ticket_id, scrap_count, scrap_units, rework_count, rework_units)
SELECT graph_id, node_code, hour, ticket_id, sum(1 - rework), sum((1 - rework) * units), sum(rework), sum(rework * units)
FROM (SELECT r.graph_id, e.node_code, strftime('%Y-%m-%dT%H:00:00Z', e.occurred_at_corrected) AS hour, r.ticket_id,
        e.event_type = 'qc_fail' AND coalesce(e.token_after_json ->> '$.status', '') <> 'scrapped' AS rework,
        CASE WHEN e.event_type IN ('complete', 'qc_pass') THEN e.data_json ->> '$.scrapQty'
          ELSE coalesce(e.qty, t.qty, 1) END AS units
      FROM token_event e JOIN flow_token r ON r.id = e.root_token_id LEFT JOIN flow_token t ON t.id = e.token_id
      WHERE e.status = 'applied' AND e.origin = 'station' AND e.node_code IS NOT NULL
        AND (e.event_type IN ('qc_fail', 'scrap')
          OR (e.event_type IN ('complete', 'qc_pass') AND e.data_json <> '{}'
            AND json_type(e.data_json, '$.scrapQty') = 'integer' AND e.data_json ->> '$.scrapQty' > 0)))
WHERE true
GROUP BY graph_id, node_code, hour, ticket_id
ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
  scrap_count = scrap_count + excluded.scrap_count,
  scrap_units = scrap_units + excluded.scrap_units,
  rework_count = rework_count + excluded.rework_count,
  rework_units = rework_units + excluded.rework_units;
