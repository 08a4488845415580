-- A dossier known here without its DossierSubmitted (has_data false: only its status events, a digest line or Intake's
-- digest of submitted codes reached us) asks Intake for it (SubmissionCatchUp), like a gap asks Processing.
ALTER TABLE sync_dossiers
    ADD COLUMN submission_requested_at timestamptz NULL,
    ADD COLUMN submission_requests     int         NOT NULL DEFAULT 0;
CREATE INDEX sync_dossiers_without_data ON sync_dossiers (pending_since) WHERE NOT has_data;
