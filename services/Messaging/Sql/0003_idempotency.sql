-- Idempotency-Key records (ARCHITECTURE rule 7), per client: the first answer to a key is stored in the same
-- transaction as the effect it reports, so a replay can never disagree with what happened.
CREATE TABLE messaging.idempotency (
    client_id        text        NOT NULL,
    key              text        NOT NULL,
    request_hash     bytea       NOT NULL,
    state            text        NOT NULL CHECK (state IN ('in-flight', 'completed')),
    locked_until     timestamptz NOT NULL,
    response_status  int         NULL,
    response_body    text        NULL,
    response_location text       NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_created ON messaging.idempotency (created_at);
