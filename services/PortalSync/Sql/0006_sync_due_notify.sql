-- Wakes the sync workers when a dossier has something to send now (NOTIFY is delivered at commit): a new step or the
-- submission's data arriving, a resend. The workers' own acknowledgements and postponements do not match (nothing left,
-- or due later), so they do not wake one another; their poll interval remains the fallback.
CREATE FUNCTION notify_sync_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_sync_due', '');
    RETURN NULL;
END $$;

CREATE TRIGGER sync_dossiers_due AFTER INSERT OR UPDATE ON sync_dossiers
    FOR EACH ROW
    WHEN (NEW.last_seq_known > NEW.last_seq_acked AND NEW.has_data AND NOT NEW.failed AND NEW.next_attempt_at <= now())
    EXECUTE FUNCTION notify_sync_due();
