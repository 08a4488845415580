-- When each history row was recorded (the database's clock, not the step's business time), and how far the periodic
-- digest of dossiers' newest sequences (HistoryDigest, DossierHeadsDigest) has covered: a row recorded before covered_to
-- has been announced in a digest.
ALTER TABLE dossier_history ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX dossier_history_recorded ON dossier_history (recorded_at);

CREATE TABLE history_digest (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    covered_to timestamptz NOT NULL
);
-- History recorded before this migration was announced by its own events long ago; start from now.
INSERT INTO history_digest (covered_to) VALUES (now());
