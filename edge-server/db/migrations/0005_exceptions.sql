-- The supervisor's exceptions inbox and its audit log (SPEC SV-20 … SV-26), and what makes a
-- serial's trace, a search and a recall index lookups (SV-30 … SV-35).

-- One row per problem a supervisor may have to act on, keyed by its kind and the id of what it is
-- about: a conflict (conflict.id), an event parked (token_event.id of the parked event), an upstream
-- dead letter (upstream_outbox.id), a refused event a station reported (kept for station
-- heartbeats; nothing writes it yet). Triggers open and close rows in the transaction that opens or
-- ends the problem, whatever path did it (a push, the parking sweep, the older /conflicts and
-- /upstream/dead/resend endpoints, the CLI), so the inbox pages an index instead of joining four
-- lists per request. The id orders the inbox (the order problems opened).
--   state: open → acknowledged (someone is on it) → resolved; state_by/state_at/state_reason: the
--   last change (state_by NULL: the system, e.g. a parked event that applied by itself). state_by
--   is the user's id, named when read: a trigger naming app_user would tie it to that table's shape.
CREATE TABLE problem_state (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'parked', 'dead_letter', 'refused')),
  source_id INTEGER NOT NULL,
  root_token_id INTEGER REFERENCES flow_token (id),
  opened_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  state_by INTEGER REFERENCES app_user (id),
  state_at TEXT,
  state_reason TEXT,
  -- How it ended: applied, discarded, resent, released (a parked event that left parking).
  outcome TEXT,
  UNIQUE (kind, source_id)
);
CREATE INDEX problem_state_state ON problem_state (state, id);
CREATE INDEX problem_state_kind ON problem_state (kind, state, id);

-- Every supervisor action on a problem, written in the transaction of the action itself: a row here
-- means the action took effect, and an action that took effect has its row.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user_id INTEGER REFERENCES app_user (id),
  username TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('acknowledge', 'apply', 'discard', 'resend')),
  reason TEXT,
  outcome TEXT NOT NULL,
  detail_json TEXT
);
CREATE INDEX audit_log_problem ON audit_log (kind, source_id, id);

CREATE TRIGGER problem_conflict_open AFTER INSERT ON conflict
BEGIN
  INSERT OR IGNORE INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('conflict', NEW.id, NEW.root_token_id, NEW.created_at);
END;

-- Whoever resolved it (this inbox or POST /supervisor/conflicts/:id/resolve): the conflict row says.
CREATE TRIGGER problem_conflict_resolved AFTER UPDATE OF resolved_at ON conflict
WHEN NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NULL
BEGIN
  UPDATE problem_state SET state = 'resolved', state_at = NEW.resolved_at, state_reason = NEW.note,
    outcome = NEW.resolution, state_by = NEW.resolved_by
  WHERE kind = 'conflict' AND source_id = NEW.id;
END;

CREATE TRIGGER problem_parked_open AFTER INSERT ON parked_event
BEGIN
  INSERT OR IGNORE INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('parked', NEW.event_row_id, NEW.root_token_id, NEW.parked_at);
END;

-- Most parked events leave parking within seconds (a start arriving after its complete): one that
-- nobody took up just goes; one a supervisor acknowledged ends resolved, so they see it ended.
CREATE TRIGGER problem_parked_released AFTER DELETE ON parked_event
BEGIN
  DELETE FROM problem_state WHERE kind = 'parked' AND source_id = OLD.event_row_id AND state = 'open';
  UPDATE problem_state SET state = 'resolved', state_by = NULL, state_reason = NULL, outcome = 'released',
    state_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE kind = 'parked' AND source_id = OLD.event_row_id AND state = 'acknowledged';
END;

-- A record that dies (again, after a resend) is a new problem: its old row goes, the audit keeps it.
CREATE TRIGGER problem_dead_letter_open AFTER UPDATE OF status ON upstream_outbox
WHEN NEW.status = 'dead' AND OLD.status <> 'dead'
BEGIN
  DELETE FROM problem_state WHERE kind = 'dead_letter' AND source_id = NEW.id;
  INSERT INTO problem_state (kind, source_id, root_token_id, opened_at)
  VALUES ('dead_letter', NEW.id, (SELECT root_token_id FROM token_event WHERE id = NEW.event_row_id),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER problem_dead_letter_resent AFTER UPDATE OF status ON upstream_outbox
WHEN OLD.status = 'dead' AND NEW.status <> 'dead'
BEGIN
  UPDATE problem_state SET state = 'resolved', state_by = NULL, state_reason = NULL, outcome = 'resent',
    state_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE kind = 'dead_letter' AND source_id = NEW.id;
END;

-- What is there already.
INSERT INTO problem_state (kind, source_id, root_token_id, opened_at, state, state_by, state_at, state_reason, outcome)
SELECT 'conflict', c.id, c.root_token_id, c.created_at,
  CASE WHEN c.resolved_at IS NULL THEN 'open' ELSE 'resolved' END, c.resolved_by, c.resolved_at, c.note, c.resolution
FROM conflict c ORDER BY c.id;
INSERT INTO problem_state (kind, source_id, root_token_id, opened_at)
SELECT 'parked', event_row_id, root_token_id, parked_at FROM parked_event ORDER BY parked_at, event_row_id;
INSERT INTO problem_state (kind, source_id, root_token_id, opened_at)
SELECT 'dead_letter', o.id, e.root_token_id, o.created_at
FROM upstream_outbox o LEFT JOIN token_event e ON e.id = o.event_row_id WHERE o.status = 'dead' ORDER BY o.id;

-- Search: a ticket's serials by prefix and exact code are the job_ticket and flow_token_root_code
-- unique indexes; a component serial is component_binding_serial. A serial's timeline reads
-- token_event_root in id order. A recall finds the bindings of a component serial and their
-- family's root: component_binding_serial, then flow_token's primary key twice. Nothing to add.
