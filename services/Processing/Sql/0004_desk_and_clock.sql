-- The one-door desk and the clock scan (issue 5).
ALTER TABLE dossiers
    -- Form 01 (receipt) facts from DossierSubmitted. The applicant's name is personal data: read access is audited.
    ADD COLUMN procedure_name          text        NULL,
    ADD COLUMN procedure_version       int         NULL,
    ADD COLUMN applicant_name          text        NULL,
    ADD COLUMN documents               jsonb       NOT NULL DEFAULT '[]',
    -- Public lookup's second factor: SHA-256 of "{code}:{last 4 digits of the applicant's ID}", never the digits.
    ADD COLUMN lookup_hash             text        NULL,
    -- Form 02: completion asked once before acceptance, with the date by which the applicant must complete.
    ADD COLUMN completion_requested_at timestamptz NULL,
    ADD COLUMN completion_due_at       timestamptz NULL,
    ADD COLUMN completed_at            timestamptz NULL,
    -- Online dossiers must be received within 1 working day of submission (Decree 118 Art. 17–18).
    ADD COLUMN reception_due_at        timestamptz NULL,
    ADD COLUMN late_reception          boolean     NOT NULL DEFAULT false,
    -- The legal due moment (original appointment + supplementation pauses) and when to warn before it.
    ADD COLUMN due_at                  timestamptz NULL,
    ADD COLUMN at_risk_at              timestamptz NULL,
    ADD COLUMN at_risk_raised_at       timestamptz NULL,
    ADD COLUMN overdue_raised_at       timestamptz NULL,
    ADD COLUMN supplements             jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN results                 jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN return_channel          smallint    NULL,
    ADD COLUMN paid_online             smallint    NULL,
    ADD COLUMN apologies               int         NOT NULL DEFAULT 0;

-- The scan reads only what is due: each partial index holds just the dossiers still waiting for that event,
-- so a pass costs what it finds, not the number of open dossiers (status 5 is paused: its clock does not run).
DROP INDEX IF EXISTS dossiers_open_by_due;
CREATE INDEX dossiers_at_risk_pending ON dossiers (at_risk_at) WHERE at_risk_raised_at IS NULL AND status IN (2, 4, 6);
CREATE INDEX dossiers_overdue_pending ON dossiers (due_at) WHERE overdue_raised_at IS NULL AND status IN (2, 4, 6);
CREATE INDEX dossiers_completion_pending ON dossiers (completion_due_at) WHERE status = 1 AND completed_at IS NULL;
CREATE INDEX dossiers_reception_pending ON dossiers (reception_due_at) WHERE status = 1 AND NOT late_reception;

-- Form 04: every apology, with whether it came no later than the legal due moment.
CREATE TABLE apologies (
    dossier_code        text        NOT NULL REFERENCES dossiers (code),
    sequence            bigint      NOT NULL,
    issued_at           timestamptz NOT NULL,
    due_at              timestamptz NOT NULL,
    new_appointment_at  timestamptz NOT NULL,
    reason              text        NOT NULL,
    signed_by           text        NOT NULL,
    on_time             boolean     NOT NULL,
    PRIMARY KEY (dossier_code, sequence)
);
