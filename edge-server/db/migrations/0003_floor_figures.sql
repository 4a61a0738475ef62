-- The floor board's figures (SPEC SV-1, SV-2), kept by triggers in the transaction that writes a
-- token or an event, whatever path wrote it (a push, a parked event retried, a supervisor's
-- resolution, a split or join spawning and completing members, a ticket's new tokens), so the
-- board reads a few rows per node instead of scanning tokens. edge-server/supervisor/floor-figures.ts
-- rebuilds both tables from flow_token and token_event the same way the INSERTs at the end do.

-- Per routing version, node and live status: how many tokens (and units: their qty summed) are
-- there, and since when the longest-waiting one has been.
CREATE TABLE floor_count (
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  node_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ready', 'active', 'paused', 'waiting', 'split')),
  tokens INTEGER NOT NULL CHECK (tokens >= 0),
  units INTEGER NOT NULL,
  oldest_since TEXT,
  PRIMARY KEY (graph_id, node_code, status)
) WITHOUT ROWID;

-- Work done per node, per hour (UTC, of the event's corrected device time) and ticket: applied
-- complete and qc_pass events (a qc_fail, a scrap, a move or a note is not work done), counted
-- as completions and as units (the event's qty, else the qty of the token it addressed).
CREATE TABLE floor_done (
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  node_code TEXT NOT NULL,
  hour TEXT NOT NULL,
  ticket_id INTEGER NOT NULL REFERENCES job_ticket (id),
  completions INTEGER NOT NULL,
  units INTEGER NOT NULL,
  PRIMARY KEY (graph_id, node_code, hour, ticket_id)
) WITHOUT ROWID;
CREATE INDEX floor_done_hour ON floor_done (hour);

-- status_since in the node index: the oldest wait of a (node, status) is one index seek, both when
-- a trigger recomputes it and when the token list pages oldest first.
DROP INDEX flow_token_node;
CREATE INDEX flow_token_node ON flow_token (graph_id, node_code, status, status_since);
-- Every token on the floor, longest-waiting first (the token list without a node; WIP ageing).
CREATE INDEX flow_token_live ON flow_token (status_since) WHERE status IN ('ready', 'active', 'paused', 'waiting');
-- A ticket's tokens (the board filtered by ticket, the token list by ticket). ticket_id alone: a
-- token's ticket never changes, so token updates never move this index's entries.
CREATE INDEX flow_token_ticket ON flow_token (ticket_id);
-- Parked events listed oldest first, a page at a time.
CREATE INDEX parked_event_parked ON parked_event (parked_at);

CREATE TRIGGER floor_token_insert AFTER INSERT ON flow_token
WHEN NEW.status IN ('ready', 'active', 'paused', 'waiting', 'split')
BEGIN
  INSERT INTO floor_count (graph_id, node_code, status, tokens, units, oldest_since)
  VALUES (NEW.graph_id, NEW.node_code, NEW.status, 1, NEW.qty, NEW.status_since)
  ON CONFLICT (graph_id, node_code, status) DO UPDATE SET
    tokens = tokens + 1,
    units = units + excluded.units,
    oldest_since = CASE WHEN oldest_since IS NULL OR excluded.oldest_since < oldest_since
      THEN excluded.oldest_since ELSE oldest_since END;
END;

-- A change leaves the old (node, status) and enters the new one. When the token that left was the
-- oldest, the oldest is read again from the index (the row already holds its new values).
CREATE TRIGGER floor_token_update AFTER UPDATE OF graph_id, node_code, status, qty, status_since ON flow_token
WHEN (OLD.status IN ('ready', 'active', 'paused', 'waiting', 'split')
    OR NEW.status IN ('ready', 'active', 'paused', 'waiting', 'split'))
  AND (OLD.graph_id <> NEW.graph_id OR OLD.node_code <> NEW.node_code OR OLD.status <> NEW.status
    OR OLD.qty <> NEW.qty OR OLD.status_since <> NEW.status_since)
BEGIN
  UPDATE floor_count SET
    tokens = tokens - 1,
    units = units - OLD.qty,
    oldest_since = CASE WHEN tokens = 1 THEN NULL
      WHEN oldest_since < OLD.status_since THEN oldest_since
      ELSE (SELECT min(status_since) FROM flow_token
            WHERE graph_id = OLD.graph_id AND node_code = OLD.node_code AND status = OLD.status) END
  WHERE graph_id = OLD.graph_id AND node_code = OLD.node_code AND status = OLD.status
    AND OLD.status IN ('ready', 'active', 'paused', 'waiting', 'split');
  INSERT INTO floor_count (graph_id, node_code, status, tokens, units, oldest_since)
  SELECT NEW.graph_id, NEW.node_code, NEW.status, 1, NEW.qty, NEW.status_since
  WHERE NEW.status IN ('ready', 'active', 'paused', 'waiting', 'split')
  ON CONFLICT (graph_id, node_code, status) DO UPDATE SET
    tokens = tokens + 1,
    units = units + excluded.units,
    oldest_since = CASE WHEN oldest_since IS NULL OR excluded.oldest_since < oldest_since
      THEN excluded.oldest_since ELSE oldest_since END;
END;

CREATE TRIGGER floor_token_delete AFTER DELETE ON flow_token
WHEN OLD.status IN ('ready', 'active', 'paused', 'waiting', 'split')
BEGIN
  UPDATE floor_count SET
    tokens = tokens - 1,
    units = units - OLD.qty,
    oldest_since = CASE WHEN tokens = 1 THEN NULL
      WHEN oldest_since < OLD.status_since THEN oldest_since
      ELSE (SELECT min(status_since) FROM flow_token
            WHERE graph_id = OLD.graph_id AND node_code = OLD.node_code AND status = OLD.status) END
  WHERE graph_id = OLD.graph_id AND node_code = OLD.node_code AND status = OLD.status;
END;

-- Work done: a station's complete or qc_pass that took effect, when it was recorded applied or
-- when a parked (or conflicting) one was applied later. Archiving events does not undo it.
CREATE TRIGGER floor_done_insert AFTER INSERT ON token_event
WHEN NEW.status = 'applied' AND NEW.origin = 'station' AND NEW.event_type IN ('complete', 'qc_pass')
BEGIN
  INSERT INTO floor_done (graph_id, node_code, hour, ticket_id, completions, units)
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id, 1,
    coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1)
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
  SELECT r.graph_id, NEW.node_code, strftime('%Y-%m-%dT%H:00:00Z', NEW.occurred_at_corrected), r.ticket_id, 1,
    coalesce(NEW.qty, (SELECT qty FROM flow_token WHERE id = NEW.token_id), 1)
  FROM flow_token r WHERE r.id = NEW.root_token_id
  ON CONFLICT (graph_id, node_code, hour, ticket_id) DO UPDATE SET
    completions = completions + 1,
    units = units + excluded.units;
END;

-- A site that already has tokens and events starts with figures counted from them.
INSERT INTO floor_count (graph_id, node_code, status, tokens, units, oldest_since)
SELECT graph_id, node_code, status, count(*), sum(qty), min(status_since) FROM flow_token
WHERE status IN ('ready', 'active', 'paused', 'waiting', 'split')
GROUP BY graph_id, node_code, status;

INSERT INTO floor_done (graph_id, node_code, hour, ticket_id, completions, units)
SELECT r.graph_id, e.node_code, strftime('%Y-%m-%dT%H:00:00Z', e.occurred_at_corrected) AS hour, r.ticket_id,
  count(*), sum(coalesce(e.qty, t.qty, 1))
FROM token_event e JOIN flow_token r ON r.id = e.root_token_id LEFT JOIN flow_token t ON t.id = e.token_id
WHERE e.status = 'applied' AND e.origin = 'station' AND e.event_type IN ('complete', 'qc_pass')
GROUP BY r.graph_id, e.node_code, hour, r.ticket_id;
