-- The edge server's mirror of a site: reference data, tokens, the event log, parking,
-- conflicts, station health and the upstream outbox. Names follow the source documents
-- (routing_graph, routing_node, routing_edge, work_center, job_ticket, flow_token, token_event).

CREATE TABLE work_center (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  behavior TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE routing_graph (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  routing_mode TEXT NOT NULL CHECK (routing_mode IN ('linear', 'dag')),
  content_hash TEXT NOT NULL,
  source_json TEXT NOT NULL,
  published_at TEXT NOT NULL,
  UNIQUE (code, version)
);

CREATE TABLE routing_node (
  id INTEGER PRIMARY KEY,
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  code TEXT NOT NULL,
  node_type TEXT NOT NULL CHECK (node_type IN ('operation', 'split', 'join', 'decision')),
  name TEXT NOT NULL,
  work_center_id INTEGER REFERENCES work_center (id),
  position INTEGER NOT NULL,
  UNIQUE (graph_id, code)
);

CREATE TABLE routing_edge (
  id INTEGER PRIMARY KEY,
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  from_node_id INTEGER NOT NULL REFERENCES routing_node (id),
  to_node_id INTEGER NOT NULL REFERENCES routing_node (id),
  edge_type TEXT NOT NULL CHECK (edge_type IN ('normal', 'rework', 'conditional')),
  rule_json TEXT,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  position INTEGER NOT NULL
);
CREATE INDEX routing_edge_from ON routing_edge (from_node_id);

CREATE TABLE job_ticket (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  routing_mode TEXT NOT NULL CHECK (routing_mode IN ('linear', 'dag')),
  process_mode TEXT NOT NULL CHECK (process_mode IN ('piece', 'batch')),
  product TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty > 0),
  created_at TEXT NOT NULL
);

-- change_seq: the site-wide change counter at the token's last change; snapshot deltas read it.
CREATE TABLE flow_token (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES job_ticket (id),
  graph_id INTEGER NOT NULL REFERENCES routing_graph (id),
  code TEXT NOT NULL,
  parent_token_id INTEGER REFERENCES flow_token (id),
  root_token_id INTEGER REFERENCES flow_token (id),
  branch TEXT,
  node_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ready', 'active', 'paused', 'waiting', 'split', 'completed', 'scrapped')),
  qty INTEGER NOT NULL CHECK (qty >= 0),
  active_operator TEXT,
  status_since TEXT NOT NULL,
  change_seq INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
-- A root token's code is unique on the site: it is the serial printed on the item.
CREATE UNIQUE INDEX flow_token_root_code ON flow_token (code) WHERE parent_token_id IS NULL;
CREATE INDEX flow_token_root ON flow_token (root_token_id);
CREATE INDEX flow_token_node ON flow_token (graph_id, node_code, status);
CREATE INDEX flow_token_change ON flow_token (change_seq);

CREATE TABLE station (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  work_center_id INTEGER REFERENCES work_center (id),
  token_hash TEXT NOT NULL UNIQUE,
  -- 1: enrolled for its work center, so it also serves that work center's nodes on routings
  -- imported later; 0: enrolled for named node codes only.
  serves_work_center INTEGER NOT NULL DEFAULT 0 CHECK (serves_work_center IN (0, 1)),
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  last_seen_at TEXT,
  last_seq INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER,
  clock_skew_at TEXT
);

-- One-time enrollment links: a code (stored hashed) that one browser exchanges, once, for a
-- device credential of the station.
CREATE TABLE station_enrollment (
  code_hash TEXT PRIMARY KEY,
  station_id INTEGER NOT NULL REFERENCES station (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- Credentials of devices enrolled through a link, beside the token shown at enrollment.
CREATE TABLE station_device (
  token_hash TEXT PRIMARY KEY,
  station_id INTEGER NOT NULL REFERENCES station (id),
  enrolled_at TEXT NOT NULL
);
CREATE INDEX station_device_station ON station_device (station_id);

CREATE TABLE station_node (
  station_id INTEGER NOT NULL REFERENCES station (id),
  node_id INTEGER NOT NULL REFERENCES routing_node (id),
  PRIMARY KEY (station_id, node_id)
);

CREATE TABLE operator (
  id INTEGER PRIMARY KEY,
  badge TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  pin_hash TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL
);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('supervisor', 'admin')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE user_session (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Every event a station sent (whatever became of it) and every system event the server recorded.
-- event_id is the idempotency key; result_json is the first outcome, replayed for duplicates.
CREATE TABLE token_event (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('station', 'system')),
  event_type TEXT NOT NULL,
  station_id INTEGER REFERENCES station (id),
  seq INTEGER,
  code TEXT NOT NULL,
  node_code TEXT,
  operator_badge TEXT,
  occurred_at TEXT NOT NULL,
  occurred_at_corrected TEXT NOT NULL,
  received_at TEXT NOT NULL,
  qty INTEGER,
  data_json TEXT NOT NULL,
  root_token_id INTEGER REFERENCES flow_token (id),
  token_id INTEGER REFERENCES flow_token (id),
  status TEXT NOT NULL CHECK (status IN ('applied', 'parked', 'conflict', 'rejected', 'discarded')),
  reason_code TEXT,
  reason_message TEXT,
  result_json TEXT NOT NULL,
  applied_at TEXT,
  token_after_json TEXT
);
CREATE INDEX token_event_root ON token_event (root_token_id);

-- Events that did not fit yet; retried whenever their token family changes.
CREATE TABLE parked_event (
  event_row_id INTEGER PRIMARY KEY REFERENCES token_event (id),
  root_token_id INTEGER NOT NULL REFERENCES flow_token (id),
  station_id INTEGER NOT NULL REFERENCES station (id),
  seq INTEGER NOT NULL,
  parked_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  reason_message TEXT NOT NULL
);
CREATE INDEX parked_event_root ON parked_event (root_token_id);
CREATE INDEX parked_event_expiry ON parked_event (expires_at);

CREATE TABLE conflict (
  id INTEGER PRIMARY KEY,
  event_row_id INTEGER NOT NULL UNIQUE REFERENCES token_event (id),
  root_token_id INTEGER NOT NULL REFERENCES flow_token (id),
  reason_code TEXT NOT NULL,
  reason_message TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT CHECK (resolution IN ('applied', 'discarded')),
  resolved_by INTEGER REFERENCES app_user (id),
  note TEXT
);
CREATE INDEX conflict_open ON conflict (resolved_at);

CREATE TABLE station_seq_gap (
  id INTEGER PRIMARY KEY,
  station_id INTEGER NOT NULL REFERENCES station (id),
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL,
  detected_at TEXT NOT NULL,
  filled_at TEXT
);
CREATE INDEX station_seq_gap_station ON station_seq_gap (station_id);

CREATE TABLE station_clock_skew (
  id INTEGER PRIMARY KEY,
  station_id INTEGER NOT NULL REFERENCES station (id),
  skew_ms INTEGER NOT NULL,
  observed_at TEXT NOT NULL
);
CREATE INDEX station_clock_skew_station ON station_clock_skew (station_id, observed_at);

CREATE TABLE component_binding (
  id INTEGER PRIMARY KEY,
  token_id INTEGER NOT NULL REFERENCES flow_token (id),
  component_serial TEXT NOT NULL,
  event_row_id INTEGER NOT NULL REFERENCES token_event (id),
  bound_at TEXT NOT NULL
);
CREATE INDEX component_binding_token ON component_binding (token_id);
CREATE INDEX component_binding_serial ON component_binding (component_serial);

-- Written in the same transaction as each event that took effect, in application order (the
-- autoincrement id, never reused); the forwarder reads it in id order through upstream_record,
-- which builds each applied-event record. A hub's outbox also holds the records its sites sent.
CREATE TABLE upstream_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_row_id INTEGER UNIQUE REFERENCES token_event (id),
  hub_record_id INTEGER UNIQUE REFERENCES hub_record (id),
  -- The token family ('T<root token id>' here, '<site>/<code>' for a hub's records), so that a
  -- dead-lettered record holds back only its own token's later records.
  family TEXT,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'forwarded', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  permanent_failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  forwarded_at TEXT,
  CHECK ((event_row_id IS NULL) <> (hub_record_id IS NULL))
);
CREATE INDEX upstream_outbox_pending ON upstream_outbox (id) WHERE status = 'pending';
CREATE INDEX upstream_outbox_dead ON upstream_outbox (family) WHERE status = 'dead';

-- Sites that forward to this edge server when it is their hub: a credential per site (hashed).
CREATE TABLE upstream_site (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  -- 1: a hub that relays other sites' records; 0: a site that may send only its own.
  relays INTEGER NOT NULL DEFAULT 0 CHECK (relays IN (0, 1)),
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Applied-event records received from sites, exactly once by id, with the site they came from.
CREATE TABLE hub_record (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES upstream_site (id),
  record_id TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  record_json TEXT NOT NULL,
  received_at TEXT NOT NULL
);

-- Every forwarding attempt's outcome (bounded: the forwarder prunes the oldest).
CREATE TABLE upstream_activity (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  sink TEXT NOT NULL,
  outcome TEXT NOT NULL,
  records INTEGER NOT NULL,
  first_outbox_id INTEGER,
  last_outbox_id INTEGER,
  duration_ms INTEGER NOT NULL,
  message TEXT
);

-- This site's code, as upstream records carry it (set from SITE_CODE at start).
CREATE TABLE site_info (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  site_code TEXT NOT NULL
);
INSERT INTO site_info (id, site_code) VALUES (1, 'SITE-1');

-- The applied-event record of protocol.md for each outbox row (a hub passes its sites' on as sent).
CREATE VIEW upstream_record AS
SELECT
  o.id,
  o.event_row_id,
  o.status,
  o.family,
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
    'occurredAt', e.occurred_at,
    'receivedAt', e.received_at,
    'appliedAt', e.applied_at,
    'qty', e.qty,
    'data', json(e.data_json),
    'token', json(e.token_after_json)
  ) AS record_json
FROM upstream_outbox o
JOIN token_event e ON e.id = o.event_row_id
LEFT JOIN station s ON s.id = e.station_id
UNION ALL
SELECT o.id, NULL, o.status, o.family, h.record_json
FROM upstream_outbox o
JOIN hub_record h ON h.id = o.hub_record_id;

-- One-row counters: the site-wide change counter for snapshot cursors.
CREATE TABLE site_counter (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO site_counter (name, value) VALUES ('change_seq', 0), ('reference_seq', 0);
