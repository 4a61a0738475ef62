-- Label printers on the LAN and their print job queue (SPEC DK-50 … DK-69): printers registered
-- by name (raw TCP, port 9100), the labels queued for them, sent, or failed with the printer's
-- error once their attempts are spent. edge-server/printing/ reads and writes both.
CREATE TABLE label_printer (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  port INTEGER NOT NULL DEFAULT 9100 CHECK (port BETWEEN 1 AND 65535),
  dpi INTEGER NOT NULL CHECK (dpi IN (203, 300, 600)),
  label_width_mm REAL NOT NULL CHECK (label_width_mm > 0),
  label_height_mm REAL NOT NULL CHECK (label_height_mm > 0),
  -- 0: its jobs stay queued until it is enabled again.
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  -- Retired printers keep their jobs' history; the name may be registered again.
  retired_at TEXT,
  -- What was last heard from it (PRINTER_STATES in shared/printing-api.ts), the problems its
  -- host status (~HS) named (comma-separated PRINTER_PROBLEMS), and its last error in words.
  status_state TEXT NOT NULL DEFAULT 'unknown'
    CHECK (status_state IN ('unknown', 'ready', 'silent', 'problem', 'unreachable')),
  status_problems TEXT NOT NULL DEFAULT '',
  status_message TEXT,
  status_at TEXT
);

-- One label: its ZPL is made when it is queued (a reprint copies it), sent as it is.
CREATE TABLE print_job (
  id INTEGER PRIMARY KEY,
  printer_id INTEGER NOT NULL REFERENCES label_printer (id),
  serial TEXT NOT NULL,
  ticket TEXT,
  kind TEXT NOT NULL DEFAULT 'label' CHECK (kind IN ('label')),
  language TEXT NOT NULL CHECK (language IN ('th', 'en')),
  gs1 INTEGER NOT NULL DEFAULT 0 CHECK (gs1 IN (0, 1)),
  zpl TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When a queued job is tried next; NULL once sent or failed.
  next_attempt_at TEXT,
  -- The last attempt's error: PRINT_ERROR_CODES, the printer's problems, in words.
  error_code TEXT,
  error_problems TEXT NOT NULL DEFAULT '',
  last_error TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  reprint_of INTEGER REFERENCES print_job (id),
  reason TEXT
);
-- The queue runner's question: which queued jobs of which printer are due.
CREATE INDEX print_job_due ON print_job (state, printer_id, next_attempt_at);
CREATE INDEX print_job_printer ON print_job (printer_id, id);
