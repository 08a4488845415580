-- PortalSync's own projection of each dossier (filled from events) and its sync ledger.
CREATE TABLE sync_dossiers (
    code            text        PRIMARY KEY,
    has_data        boolean     NOT NULL DEFAULT false,  -- DossierSubmitted seen (status events may arrive first)
    procedure_code  text        NULL,
    receiving_unit  text        NULL,
    channel         smallint    NULL,
    applicant_name  text        NULL,
    submitted_at    timestamptz NULL,
    last_seq_known  bigint      NOT NULL DEFAULT 0,
    last_seq_acked  bigint      NOT NULL DEFAULT 0,
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text        NULL,
    failed          boolean     NOT NULL DEFAULT false,  -- the portal rejected the payload: needs a person, not a retry
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    acked_at        timestamptz NULL
);
CREATE INDEX sync_dossiers_pending ON sync_dossiers (next_attempt_at)
    WHERE last_seq_known > last_seq_acked AND has_data AND NOT failed;

-- Every status event, keyed by Processing's per-dossier sequence (order never comes from the queue).
CREATE TABLE sync_events (
    dossier_code text        NOT NULL,
    sequence     bigint      NOT NULL,
    status       smallint    NOT NULL,
    occurred_at  timestamptz NOT NULL,
    content      text        NULL,
    trace_parent text        NULL,   -- W3C trace of the change, so the portal call continues that trace
    PRIMARY KEY (dossier_code, sequence)
);
