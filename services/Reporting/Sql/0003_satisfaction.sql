-- Satisfaction group of the index (issue 10): dossier ratings and feedback, kept by their own consumers (one row per
-- rating / feedback, upserted so any arrival order gives the same row). Not derived from the dossier fold, so the
-- rebuild leaves them alone.

CREATE TABLE satisfaction_ratings (
    dossier_code   text        PRIMARY KEY,
    agency         text        NOT NULL,             -- the deciding agency, else the receiving unit (as dossier_facts)
    unit           text        NOT NULL,             -- the receiving unit
    procedure_code text        NOT NULL DEFAULT '',
    level          text        NOT NULL,
    satisfied      boolean     NOT NULL,
    rated_at       timestamptz NOT NULL,
    rated_day      date        NOT NULL              -- Vietnam date: the period a rating counts in
);
CREATE INDEX satisfaction_ratings_by_day ON satisfaction_ratings (rated_day, agency);

CREATE TABLE feedback_facts (
    id             uuid        PRIMARY KEY,
    agency         text        NOT NULL,             -- the responsible agency
    procedure_code text        NOT NULL DEFAULT '',
    filed_at       timestamptz NULL,
    due_at         timestamptz NULL,
    due_day        date        NULL,                 -- Vietnam date of the deadline: the period the on-time rule judges it in
    answered_at    timestamptz NULL,
    satisfied      boolean     NULL,                 -- the applicant's rating of the answer
    rated_day      date        NULL
);
CREATE INDEX feedback_facts_by_due ON feedback_facts (due_day, agency);
CREATE INDEX feedback_facts_by_rated ON feedback_facts (rated_day, agency) WHERE rated_day IS NOT NULL;
