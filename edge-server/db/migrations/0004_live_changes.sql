-- The supervisor console's change feed (edge-server/live): one row per change a console shows,
-- written by triggers in the transaction that made the change, so that every writer (ingest, a
-- resolution, the parking sweep, the CLI in another process) feeds it and nothing committed is
-- missed. The autoincrement id is the stream's cursor (never reused, even after pruning).
--   kind 'token':    ref_id = flow_token.id, code/node/status/graph_id = the token after the change
--   kind 'conflict': ref_id = conflict.id, code/node = its event's, status 'open' or 'applied'/'discarded'
--   kind 'parked':   ref_id = token_event.id of the parked event, status 'parked' or 'released'
--   kind 'station':  ref_id = station.id, code = its name (it made contact: a push)
CREATE TABLE live_change (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('token', 'conflict', 'parked', 'station')),
  ref_id INTEGER NOT NULL,
  code TEXT,
  node TEXT,
  status TEXT,
  graph_id INTEGER
);

CREATE TRIGGER live_token_insert AFTER INSERT ON flow_token
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status, graph_id)
  VALUES ('token', NEW.id, NEW.code, NEW.node_code, NEW.status, NEW.graph_id);
END;

-- Only what a console shows: ingest rewrites a family's rows whether or not each one changed.
CREATE TRIGGER live_token_update AFTER UPDATE OF node_code, status, qty, active_operator ON flow_token
WHEN OLD.node_code IS NOT NEW.node_code OR OLD.status IS NOT NEW.status OR OLD.qty IS NOT NEW.qty
  OR OLD.active_operator IS NOT NEW.active_operator
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status, graph_id)
  VALUES ('token', NEW.id, NEW.code, NEW.node_code, NEW.status, NEW.graph_id);
END;

CREATE TRIGGER live_conflict_insert AFTER INSERT ON conflict
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status)
  SELECT 'conflict', NEW.id, e.code, e.node_code, 'open' FROM token_event e WHERE e.id = NEW.event_row_id;
END;

CREATE TRIGGER live_conflict_resolved AFTER UPDATE OF resolved_at ON conflict
WHEN NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NULL
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status)
  SELECT 'conflict', NEW.id, e.code, e.node_code, coalesce(NEW.resolution, 'resolved')
  FROM token_event e WHERE e.id = NEW.event_row_id;
END;

CREATE TRIGGER live_parked_insert AFTER INSERT ON parked_event
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status)
  SELECT 'parked', NEW.event_row_id, e.code, e.node_code, 'parked' FROM token_event e WHERE e.id = NEW.event_row_id;
END;

CREATE TRIGGER live_parked_release AFTER DELETE ON parked_event
BEGIN
  INSERT INTO live_change (kind, ref_id, code, node, status)
  SELECT 'parked', OLD.event_row_id, e.code, e.node_code, 'released' FROM token_event e WHERE e.id = OLD.event_row_id;
END;

CREATE TRIGGER live_station_contact AFTER UPDATE OF last_seen_at ON station
WHEN NEW.last_seen_at IS NOT OLD.last_seen_at
BEGIN
  INSERT INTO live_change (kind, ref_id, code) VALUES ('station', NEW.id, NEW.name);
END;

-- Bounded: every 1,000th change drops those more than 10,000 behind it (a console further behind
-- reloads its state: the stream answers "resync").
CREATE TRIGGER live_change_prune AFTER INSERT ON live_change
WHEN NEW.id % 1000 = 0
BEGIN
  DELETE FROM live_change WHERE id <= NEW.id - 10000;
END;

-- Console sessions (a cookie, HttpOnly) apart from the API's bearer sessions: each is accepted
-- only the way it was issued, and only a cookie session needs the same-origin proof.
ALTER TABLE user_session ADD COLUMN via TEXT NOT NULL DEFAULT 'bearer' CHECK (via IN ('bearer', 'cookie'));
