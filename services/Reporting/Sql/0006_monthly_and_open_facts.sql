-- The city-wide index of a month summed ~44,000 daily_facts rows and visited ~17,000 heap pages of dossier_facts for
-- its ~25,000 open dossiers (1 M facts, BENCHMARKS.md). Two derived tables, kept in the same transactions as
-- daily_facts and dossier_facts (FactStore.AddToAggregatesAsync, FactStore.UpsertAsync; the rebuild writes through both):

-- 1. The monthly roll-up of daily_facts: the same counters per month (its first day) × agency × unit × procedure. A
--    period's whole months are summed here, its leading and trailing days from daily_facts.
CREATE TABLE monthly_facts (LIKE daily_facts INCLUDING DEFAULTS);
ALTER TABLE monthly_facts RENAME COLUMN day TO month;
ALTER TABLE monthly_facts ADD PRIMARY KEY (month, agency, unit, procedure_code),
    ADD CONSTRAINT monthly_facts_first_day CHECK (extract(day FROM month) = 1);

INSERT INTO monthly_facts
SELECT date_trunc('month', day)::date, agency, unit, procedure_code,
       sum(received), sum(settled_on_time), sum(settled_on_time_repeated), sum(settled_late), sum(synced), sum(synced_current),
       sum(online), sum(fee_bearing), sum(fee_bearing_synced), sum(paid_online), sum(decided), sum(electronic_result),
       sum(digitised), sum(reused), sum(citizen_store), sum(population_data), sum(citizen), sum(late_reception),
       sum(late_with_apology)
FROM daily_facts GROUP BY 1, 2, 3, 4;

-- 2. The open dossiers (received, not ended, not waiting on a supplementation; DossierFact.Open), one narrow row each
--    with what their verdict at the judging moment needs (legal_due_at = original due + completed pauses). Dense and
--    small (a few per cent of the facts), so counting a period's verdicts reads a few hundred pages whatever the
--    visibility map says; dossier_facts keeps its own open indexes for the at-risk list.
CREATE TABLE open_facts (
    code                text        PRIMARY KEY,
    received_day        date        NOT NULL,
    agency              text        NOT NULL,
    receiving_unit      text        NULL,
    procedure_code      text        NULL,
    legal_due_at        timestamptz NULL,
    supplement_requests int         NOT NULL
);
CREATE INDEX open_facts_by_day ON open_facts (received_day);
CREATE INDEX open_facts_by_agency ON open_facts (agency, received_day);

INSERT INTO open_facts (code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests)
SELECT code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests
FROM dossier_facts
WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL;
