-- Every effect a test consumer applies; no unique key on ping_id, so a duplicated effect would show.
CREATE TABLE effects (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id uuid        NOT NULL,
    ping_id    uuid        NOT NULL,
    kind       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE business_rows (
    id   uuid PRIMARY KEY,
    note text NOT NULL
);
