-- Rows stay append-only, with one exception: a row written before the hash chain existed (sequence 0) may
-- be linked into the chain once, by the start-up backfill (server/storage/history-backfill.ts).
DROP TRIGGER `access_events_no_update`;--> statement-breakpoint
CREATE TRIGGER `access_events_no_update` BEFORE UPDATE ON `access_events`
WHEN OLD.`sequence` <> 0
BEGIN
  SELECT RAISE(ABORT, 'access_events is append-only');
END;
