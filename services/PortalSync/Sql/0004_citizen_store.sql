-- Results to the citizen's data store (issue 10): one ledger row per electronic result of a returned dossier, pushed
-- once the portal acknowledged the dossier's sequence that returned it (the store never holds a result of a dossier
-- the portal does not show as returned), with the dossier sync's retry, backoff and idempotency-key guarantees.
CREATE TABLE citizen_store_pushes (
    dossier_code    text        NOT NULL,
    result_code     text        NOT NULL,
    sequence        bigint      NOT NULL,            -- the status event (10) that carried the result
    name            text        NOT NULL,
    file_reference  text        NULL,
    returned_at     timestamptz NOT NULL,
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text        NULL,
    failed          boolean     NOT NULL DEFAULT false,   -- the portal rejected it: needs a person, not a retry
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    stored_at       timestamptz NULL,                     -- the portal acknowledged it
    PRIMARY KEY (dossier_code, result_code)
);
CREATE INDEX citizen_store_pushes_pending ON citizen_store_pushes (next_attempt_at) WHERE stored_at IS NULL AND NOT failed;
