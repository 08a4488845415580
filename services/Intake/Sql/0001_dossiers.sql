-- Daily dossier-code sequence per receiving unit. The row lock taken by the upsert serialises concurrent
-- submissions of one unit and day, and a rolled-back submission rolls its number back: no duplicates, no gaps.
CREATE TABLE dossier_code_counters (
    receiving_unit text   NOT NULL,
    vietnam_date   date   NOT NULL,
    last_sequence  bigint NOT NULL,
    PRIMARY KEY (receiving_unit, vietnam_date)
);

CREATE TABLE dossiers (
    code           text        PRIMARY KEY,
    procedure_code text        NOT NULL,
    receiving_unit text        NOT NULL,
    channel        smallint    NOT NULL CHECK (channel BETWEEN 1 AND 3),
    applicant_name text        NOT NULL,
    submitted_at   timestamptz NOT NULL
);
CREATE INDEX dossiers_receiving_unit ON dossiers (receiving_unit, submitted_at);
