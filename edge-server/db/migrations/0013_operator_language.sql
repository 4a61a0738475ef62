-- The language an operator prefers (SPEC DK-33): 'th' or 'en', set when they are added or later
-- by an admin. A station speaks it when they sign in, unless they chose another on that station.
-- NULL: no preference (the station's own language).
ALTER TABLE operator ADD COLUMN language TEXT CHECK (language IN ('th', 'en'));
