-- Per-dossier facts projected from events (Reporting never reads another service's tables).
CREATE TABLE dossier_facts (
    code           text        PRIMARY KEY,
    receiving_unit text        NULL,
    channel        smallint    NULL,
    submitted_at   timestamptz NULL,
    synced_seq     bigint      NOT NULL DEFAULT 0,
    synced_at      timestamptz NULL
);
