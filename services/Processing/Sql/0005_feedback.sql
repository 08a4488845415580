-- Satisfaction ratings and feedback (phản ánh, kiến nghị), issue 10.

-- One rating per dossier, ever: the primary key is the "once" rule (a second insert conflicts).
CREATE TABLE dossier_ratings (
    dossier_code text        PRIMARY KEY REFERENCES dossiers (code),
    level        text        NOT NULL,
    satisfied    boolean     NOT NULL,
    reasons      jsonb       NOT NULL DEFAULT '[]',
    channel      text        NOT NULL,               -- agency | link
    rated_by     text        NULL,                   -- the agency client for the agency channel
    rated_at     timestamptz NOT NULL
);

CREATE TABLE feedback (
    id                 uuid        PRIMARY KEY,
    agency             text        NOT NULL,          -- responsible: the dossier's deciding agency (else receiving unit), or the procedure's
    dossier_code       text        NULL REFERENCES dossiers (code),
    procedure_code     text        NULL,
    category           text        NOT NULL,
    content            text        NOT NULL,
    channel            text        NOT NULL,          -- agency | public
    filed_by           text        NULL,              -- the filing agency (agency channel); only it may rate the answer there
    filed_at           timestamptz NOT NULL,
    due_at             timestamptz NOT NULL,
    answer             text        NULL,
    answered_by        text        NULL,
    answered_at        timestamptz NULL,
    overdue_raised_at  timestamptz NULL,
    rating_level       text        NULL,
    rating_satisfied   boolean     NULL,
    rating_reasons     jsonb       NULL,
    rated_at           timestamptz NULL
);
CREATE INDEX feedback_by_agency ON feedback (agency, filed_at DESC);
-- The overdue scan reads only unanswered feedback not yet flagged, so a pass costs what it finds.
CREATE INDEX feedback_overdue_pending ON feedback (due_at) WHERE answered_at IS NULL AND overdue_raised_at IS NULL;
