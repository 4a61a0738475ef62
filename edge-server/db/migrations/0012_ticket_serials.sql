-- Serial counters (SPEC DK-21): a job ticket's generated serials are its prefix and the next
-- numbers of that prefix's counter, advanced in the ticket's own transaction. A number whose serial
-- is already in use on the site (pasted on another ticket, or released before this table existed)
-- is skipped, so a serial is never given twice: two tickets with the prefix BV- get BV-0001 … 0020,
-- then BV-0021 … The counter only goes up; a ticket that is refused leaves it where it was.
CREATE TABLE serial_counter (
  prefix TEXT PRIMARY KEY,
  -- The last number given under this prefix (0: none yet).
  last_value INTEGER NOT NULL CHECK (last_value >= 0)
) WITHOUT ROWID;
