-- The planning desk's audit trail (SPEC DK-1): every change an admin makes to the site's set-up
-- (routings, tickets, stations, displays, operators, users, targets, printers, prints), with who
-- and when, written in the transaction of the change. Problems' actions keep their own audit_log.
CREATE TABLE admin_change (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  -- The admin's username, or 'cli' when made from the command line.
  username TEXT NOT NULL,
  -- What was done, one of ADMIN_ACTIONS in shared/admin-changes-api.ts (e.g. 'ticket.release').
  action TEXT NOT NULL,
  -- What it was done to: a routing 'CODE v2', a ticket code, a station's name, a printer's name.
  subject TEXT NOT NULL,
  reason TEXT,
  detail_json TEXT
);
CREATE INDEX admin_change_subject ON admin_change (subject, id);
