-- The legal clock per dossier. appointment_at is the citizen-facing date (extended by supplementation
-- pauses, or reset by an apology); original_appointment_at is the date the national index judges by.
ALTER TABLE dossiers
    ADD COLUMN deciding_agency          text        NULL,
    ADD COLUMN processing_amount        int         NULL,
    ADD COLUMN processing_unit          text        NULL,
    ADD COLUMN received_at              timestamptz NULL,
    ADD COLUMN appointment_at           timestamptz NULL,
    ADD COLUMN original_appointment_at  timestamptz NULL,
    ADD COLUMN paused_at                timestamptz NULL,
    ADD COLUMN paused_seconds           bigint      NOT NULL DEFAULT 0,
    ADD COLUMN supplement_requests      int         NOT NULL DEFAULT 0,
    ADD COLUMN ended_at                 timestamptz NULL;

-- Agencies see dossiers they received or decide (boundary-free reception: the two can differ).
CREATE INDEX dossiers_receiving_unit ON dossiers (receiving_unit);
CREATE INDEX dossiers_deciding_agency ON dossiers (deciding_agency);
-- The overdue scan walks open dossiers by due moment (issue: one index, not one timer per dossier).
CREATE INDEX dossiers_open_by_due ON dossiers (appointment_at) WHERE status IN (2, 4, 5, 6);

ALTER TABLE dossier_history
    ADD COLUMN role            text        NULL,
    ADD COLUMN department      text        NULL,
    ADD COLUMN step_legal_end  timestamptz NULL;
