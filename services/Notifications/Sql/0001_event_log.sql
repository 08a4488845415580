-- Every dossier status event Notifications has seen, in per-dossier sequence order: the source for the
-- public event stream and webhook deliveries (replay reads from here).
CREATE TABLE event_log (
    dossier_code text        NOT NULL,
    sequence     bigint      NOT NULL,
    status       smallint    NOT NULL,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dossier_code, sequence)
);
