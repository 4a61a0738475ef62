-- Station health (SPEC SV-40 … SV-47): what each station last reported of itself in a heartbeat
-- (POST /api/v1/station/heartbeat), and the refused events stations reported, which become problems
-- of kind 'refused' in the exceptions inbox (migration 0005).

-- One row per station: its latest heartbeat, replaced by the next one.
CREATE TABLE station_report (
  station_id INTEGER PRIMARY KEY REFERENCES station (id),
  reported_at TEXT NOT NULL,
  -- The station's clock minus the server's when the heartbeat arrived.
  clock_skew_ms INTEGER NOT NULL,
  app_version TEXT NOT NULL,
  pending INTEGER NOT NULL CHECK (pending >= 0),
  oldest_pending_at TEXT,
  refused_count INTEGER NOT NULL CHECK (refused_count >= 0),
  storage_used INTEGER,
  storage_quota INTEGER,
  online_since TEXT
);

-- A refused event a station reported, once per station and event id, kept until its problem is
-- resolved (and after, for the inbox's history). The id (never reused) is the problem's source_id.
-- root_token_id: the family of the serial it named, when there is one, so the inbox shows its state.
CREATE TABLE station_refused (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id INTEGER NOT NULL REFERENCES station (id),
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  code TEXT NOT NULL,
  node_code TEXT,
  reason_code TEXT NOT NULL,
  reason_message TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  refused_at TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  root_token_id INTEGER REFERENCES flow_token (id),
  UNIQUE (station_id, event_id)
);

CREATE TRIGGER problem_refused_open AFTER INSERT ON station_refused
BEGIN
  INSERT OR IGNORE INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('refused', NEW.id, NEW.root_token_id, NEW.reported_at);
END;

-- A heartbeat is contact: consoles showing station health (and the board's completeness) hear of it.
CREATE TRIGGER live_station_report_insert AFTER INSERT ON station_report
BEGIN
  INSERT INTO live_change (kind, ref_id, code)
  SELECT 'station', NEW.station_id, s.name FROM station s WHERE s.id = NEW.station_id;
END;

CREATE TRIGGER live_station_report_update AFTER UPDATE ON station_report
BEGIN
  INSERT INTO live_change (kind, ref_id, code)
  SELECT 'station', NEW.station_id, s.name FROM station s WHERE s.id = NEW.station_id;
END;
