-- The full submission: applicant identity and contacts, deciding agency, summary (trích yếu), the procedure
-- version it was submitted under, and the documents it references.
ALTER TABLE dossiers
    ADD COLUMN applicant_kind      smallint NULL CHECK (applicant_kind IN (1, 2)),
    ADD COLUMN applicant_id_number text     NULL,
    ADD COLUMN applicant_phone     text     NULL,
    ADD COLUMN applicant_email     text     NULL,
    ADD COLUMN applicant_address   text     NULL,
    ADD COLUMN vneid_level2        boolean  NOT NULL DEFAULT false,
    ADD COLUMN deciding_agency     text     NULL,
    ADD COLUMN summary             text     NULL,
    ADD COLUMN procedure_version   int      NULL,
    ADD COLUMN documents           jsonb    NOT NULL DEFAULT '[]'::jsonb;
CREATE INDEX dossiers_deciding_agency ON dossiers (deciding_agency, submitted_at);
