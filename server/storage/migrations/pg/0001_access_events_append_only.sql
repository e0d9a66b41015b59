-- The access history is append-only: a row linked into its vault's hash chain (sequence > 0) may never be
-- changed. Rows go only with their vault (cascade). Same rule as SQLite's migrations 0001 and 0003.
CREATE FUNCTION access_events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.sequence <> 0 THEN
    RAISE EXCEPTION 'access_events is append-only';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER access_events_no_update BEFORE UPDATE ON access_events
FOR EACH ROW EXECUTE FUNCTION access_events_refuse_update();
