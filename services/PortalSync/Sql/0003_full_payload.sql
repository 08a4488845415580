-- The full HoSoDongBoDVC payload (issue 7): each status event keeps the facts Processing sent with it
-- (appointment dates, supplementation rounds, results, paid-online flag, officer), and the ledger learns
-- what the status endpoint and the reconciliation need.
ALTER TABLE sync_events ADD COLUMN facts jsonb NULL;

ALTER TABLE sync_dossiers
    ADD COLUMN procedure_name    text        NULL,
    ADD COLUMN fees              jsonb       NOT NULL DEFAULT '[]'::jsonb,
    -- Whether the portal holds a record (create once, then update); the reconciliation clears it when the portal lost it.
    ADD COLUMN portal_has_record boolean     NOT NULL DEFAULT false,
    -- Since when a newer sequence is waiting (oldest pending age), when the portal rejected it, how often it was re-sent.
    ADD COLUMN pending_since     timestamptz NULL,
    ADD COLUMN failed_at         timestamptz NULL,
    ADD COLUMN resends           int         NOT NULL DEFAULT 0,
    ADD COLUMN last_status_acked smallint    NULL;

UPDATE sync_dossiers SET portal_has_record = last_seq_acked > 0;
UPDATE sync_dossiers SET pending_since = now() WHERE last_seq_known > last_seq_acked;

CREATE INDEX sync_dossiers_submitted_at ON sync_dossiers (submitted_at);
CREATE INDEX sync_dossiers_failed ON sync_dossiers (failed_at) WHERE failed;
