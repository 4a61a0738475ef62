-- Wall displays (SPEC SV-60 … SV-69): a read-only credential for a TV that an admin issues by name
-- and revokes. The secret is random (full entropy), so its SHA-256 is what is kept, as for station
-- tokens; the link that carries it is shown once. Revoking keeps the row (the list shows when);
-- issuing a revoked name again gives it a new secret.
CREATE TABLE display (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL UNIQUE,
  -- The admin's username, or 'cli' when issued from the command line.
  issued_by TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  revoked_at TEXT,
  -- Its last request (updated at most once a minute).
  last_seen_at TEXT
);
