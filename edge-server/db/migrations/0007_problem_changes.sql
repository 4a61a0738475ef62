-- The console's live stream learns of the exceptions inbox's own changes (SPEC SV-29): a problem
-- taken up (acknowledged) or resolved, whoever did it (the inbox, the older /conflicts route, the
-- forwarder or /upstream/dead/resend for a dead letter sent again), and a problem that opens
-- without a change of its own kind (an upstream dead letter, a refused event a station reported).
-- Conflicts and parked events opening already say so as kinds 'conflict' and 'parked' (0004).
--   kind 'problem': ref_id = problem_state.source_id (the problem's id in the inbox),
--   code = its kind (conflict, parked, dead_letter, refused), status = its state after the change.

-- live_change's CHECK names its kinds: the table is rebuilt with 'problem' among them. Its rows and
-- its autoincrement sequence (the stream's cursor, never reused) are kept. Dropping the table drops
-- only the trigger on it (the prune); the triggers on other tables that write to it name it by name
-- and write to the new one, so they are neither dropped nor rewritten.
CREATE TEMP TABLE live_change_keep AS SELECT * FROM live_change;
CREATE TEMP TABLE live_change_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'live_change';
DROP TABLE live_change;
CREATE TABLE live_change (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('token', 'conflict', 'parked', 'station', 'problem')),
  ref_id INTEGER NOT NULL,
  code TEXT,
  node TEXT,
  status TEXT,
  graph_id INTEGER
);
INSERT INTO live_change (id, kind, ref_id, code, node, status, graph_id)
SELECT id, kind, ref_id, code, node, status, graph_id FROM live_change_keep ORDER BY id;
-- Every row may have been pruned: the cursor must still not go back.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'live_change', seq FROM live_change_seq
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'live_change');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM live_change_seq), 0))
WHERE name = 'live_change';
DROP TABLE live_change_keep;
DROP TABLE live_change_seq;

-- As in 0004: every 1,000th change drops those more than 10,000 behind it.
CREATE TRIGGER live_change_prune AFTER INSERT ON live_change
WHEN NEW.id % 1000 = 0
BEGIN
  DELETE FROM live_change WHERE id <= NEW.id - 10000;
END;

-- A dead letter or a refused event appears (a conflict or a parked event says so as its own kind).
CREATE TRIGGER live_problem_open AFTER INSERT ON problem_state
WHEN NEW.kind IN ('dead_letter', 'refused')
BEGIN
  INSERT INTO live_change (kind, ref_id, code, status) VALUES ('problem', NEW.source_id, NEW.kind, NEW.state);
END;

-- Taken up, resolved (or taken up again by someone else): who has it is what another console shows.
CREATE TRIGGER live_problem_state AFTER UPDATE OF state, state_by ON problem_state
WHEN OLD.state IS NOT NEW.state OR OLD.state_by IS NOT NEW.state_by
BEGIN
  INSERT INTO live_change (kind, ref_id, code, status) VALUES ('problem', NEW.source_id, NEW.kind, NEW.state);
END;
