-- The language a station's screen speaks unless an operator chooses another: 'th' or 'en', set
-- when it is enrolled or later by an admin. NULL: the site's STATION_LANGUAGE setting, read when
-- the snapshot is built, so stations enrolled before this migration follow the setting too.
ALTER TABLE station ADD COLUMN language TEXT CHECK (language IN ('th', 'en'));
