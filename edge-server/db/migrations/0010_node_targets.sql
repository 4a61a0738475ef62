-- A target per node (SPEC SV-2, SV-17, SV-18): units per hour an admin expects of a node, shown on
-- the floor board beside the units done this hour and this shift. Keyed by the routing's code and
-- the node's code, not by a routing version's ids: publishing a new version of a routing keeps the
-- targets of the nodes whose codes stay (and every version on the board shows its node's target).
-- One small table, read whole in the board's read transaction.
CREATE TABLE node_target (
  routing_code TEXT NOT NULL,
  node_code TEXT NOT NULL,
  units_per_hour REAL NOT NULL CHECK (units_per_hour > 0 AND units_per_hour <= 100000),
  -- The admin's username, or 'cli' when set from the command line.
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  PRIMARY KEY (routing_code, node_code)
) WITHOUT ROWID;
