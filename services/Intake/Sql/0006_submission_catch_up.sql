-- A lost DossierSubmitted must be recoverable: the event as published and its message id are kept with the dossier, so
-- it can be published again under that id (consumers that applied it skip it; those that lost it apply it).
-- recorded_at (the database's clock) lets the periodic digest of submitted codes (SubmissionDigest) cover every commit.
ALTER TABLE dossiers
    ADD COLUMN submitted_event    jsonb       NULL,
    ADD COLUMN submitted_event_id uuid        NULL,
    ADD COLUMN recorded_at        timestamptz NOT NULL DEFAULT now();
CREATE INDEX dossiers_recorded ON dossiers (recorded_at);

CREATE TABLE submission_digest (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    covered_to timestamptz NOT NULL
);
-- Dossiers submitted before this migration were announced by their own events long ago; start from now.
INSERT INTO submission_digest (covered_to) VALUES (now());
