-- The access history is append-only: no row may ever be changed. Rows go only with their vault (cascade).
CREATE TRIGGER `access_events_no_update` BEFORE UPDATE ON `access_events`
BEGIN
  SELECT RAISE(ABORT, 'access_events is append-only');
END;
