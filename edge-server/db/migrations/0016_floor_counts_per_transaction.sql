-- The board's live counts (floor_count) are kept up once per transaction by the code that writes
-- token rows (edge-server/ingest/floor-counts.ts, SPEC PF-3), not by a trigger on every token row
-- update: two statements per changed row were a third of ingest's time. Inserts and deletes of
-- tokens stay counted by 0003's triggers (they are few: a ticket's release, a split).
DROP TRIGGER floor_token_update;
