-- Processing owns every status change. `sequence` is the per-dossier event number that orders
-- everything downstream (portal sync, public events, webhooks); `version` guards concurrent actions.
CREATE TABLE dossiers (
    code           text        PRIMARY KEY,
    procedure_code text        NOT NULL,
    receiving_unit text        NOT NULL,
    channel        smallint    NOT NULL,
    status         smallint    NOT NULL,
    sequence       bigint      NOT NULL,
    submitted_at   timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        int         NOT NULL DEFAULT 1
);

-- One row per status event (QuaTrinhXuLy): the dossier's history, in sequence order.
CREATE TABLE dossier_history (
    dossier_code text        NOT NULL REFERENCES dossiers (code),
    sequence     bigint      NOT NULL,
    status       smallint    NOT NULL,
    occurred_at  timestamptz NOT NULL,
    actor        text        NULL,
    content      text        NULL,
    PRIMARY KEY (dossier_code, sequence)
);
