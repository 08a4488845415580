-- Decision 766 index: Reporting's own event log (the source of every fact: the projection can be rebuilt from it),
-- per-dossier facts, per-procedure versions and a daily aggregate for fast period queries.

CREATE TABLE event_log (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,           -- submitted | status | synced | payment | apology | procedure
    subject     text        NOT NULL,           -- dossier code, or procedure code
    key         text        NOT NULL,           -- what makes a copy a duplicate: sequence, payment reference, version
    payload     jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subject, kind, key)
);

ALTER TABLE dossier_facts
    ADD COLUMN procedure_code           text        NULL,
    ADD COLUMN deciding_agency          text        NULL,
    ADD COLUMN agency                   text        NOT NULL DEFAULT '',
    ADD COLUMN received_at              timestamptz NULL,
    ADD COLUMN received_day             date        NULL,
    ADD COLUMN original_due_at          timestamptz NULL,
    ADD COLUMN due_at                   timestamptz NULL,
    ADD COLUMN legal_due_at             timestamptz NULL,
    ADD COLUMN ended_at                 timestamptz NULL,
    ADD COLUMN end_status               smallint    NULL,
    ADD COLUMN status                   smallint    NOT NULL DEFAULT 1,
    ADD COLUMN last_seq                 bigint      NOT NULL DEFAULT 0,
    ADD COLUMN supplement_requests      int         NOT NULL DEFAULT 0,
    ADD COLUMN paused_seconds           bigint      NOT NULL DEFAULT 0,
    ADD COLUMN pending_supplement_since timestamptz NULL,
    ADD COLUMN fee_total                bigint      NOT NULL DEFAULT 0,
    ADD COLUMN paid_online              boolean     NOT NULL DEFAULT false,
    ADD COLUMN digitised                boolean     NOT NULL DEFAULT false,
    ADD COLUMN reused                   boolean     NOT NULL DEFAULT false,
    ADD COLUMN from_citizen_store       boolean     NOT NULL DEFAULT false,
    ADD COLUMN population_data          boolean     NOT NULL DEFAULT false,
    ADD COLUMN citizen                  boolean     NOT NULL DEFAULT false,
    ADD COLUMN electronic_result        boolean     NOT NULL DEFAULT false,
    ADD COLUMN late_reception           boolean     NOT NULL DEFAULT false,
    ADD COLUMN apology_on_time          boolean     NULL;

-- Open dossiers (received, not ended, not waiting on a supplementation) are judged when a period is asked for.
CREATE INDEX dossier_facts_open_by_agency ON dossier_facts (agency, received_day)
    WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL;
CREATE INDEX dossier_facts_open_by_due ON dossier_facts (legal_due_at)
    WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL;

-- One row per received day (Vietnam date) × ranked agency × receiving unit × procedure: the sums of every dossier's
-- period-independent contribution (Tally.Of), kept by adding (new − old) in the transaction that changes the facts.
CREATE TABLE daily_facts (
    day                      date   NOT NULL,
    agency                   text   NOT NULL,
    unit                     text   NOT NULL,
    procedure_code           text   NOT NULL,
    received                 bigint NOT NULL DEFAULT 0,
    settled_on_time          bigint NOT NULL DEFAULT 0,
    settled_on_time_repeated bigint NOT NULL DEFAULT 0,
    settled_late             bigint NOT NULL DEFAULT 0,
    synced                   bigint NOT NULL DEFAULT 0,
    synced_current           bigint NOT NULL DEFAULT 0,
    online                   bigint NOT NULL DEFAULT 0,
    fee_bearing              bigint NOT NULL DEFAULT 0,
    fee_bearing_synced       bigint NOT NULL DEFAULT 0,
    paid_online              bigint NOT NULL DEFAULT 0,
    decided                  bigint NOT NULL DEFAULT 0,
    electronic_result        bigint NOT NULL DEFAULT 0,
    digitised                bigint NOT NULL DEFAULT 0,
    reused                   bigint NOT NULL DEFAULT 0,
    citizen_store            bigint NOT NULL DEFAULT 0,
    population_data          bigint NOT NULL DEFAULT 0,
    citizen                  bigint NOT NULL DEFAULT 0,
    late_reception           bigint NOT NULL DEFAULT 0,
    late_with_apology        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agency, unit, procedure_code)
);
CREATE INDEX daily_facts_by_agency ON daily_facts (agency, day);
CREATE INDEX daily_facts_by_unit ON daily_facts (unit, day);

CREATE TABLE procedure_versions (
    code              text     NOT NULL,
    version           int      NOT NULL,
    name              text     NULL,
    field             text     NULL,
    level             smallint NULL,
    online_level      smallint NOT NULL,
    fee_bearing       boolean  NULL,
    published_on      date     NULL,
    published_on_time boolean  NULL,
    PRIMARY KEY (code, version)
);
