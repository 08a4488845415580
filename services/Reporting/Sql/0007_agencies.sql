-- Reporting's projection of Intake's register of agencies (AgencyRegisterPublished): the current version of each
-- agency, so that a KPI filter naming an agency or receiving unit the register does not know is refused (issue 21).
-- Kept like the procedure versions: an older or repeated version never overwrites a newer one.
CREATE TABLE agencies (
    id             text        PRIMARY KEY,
    version        integer     NOT NULL,
    name           text        NOT NULL,
    kind           text        NOT NULL,
    effective_from date        NULL,
    effective_to   date        NULL,
    updated_at     timestamptz NOT NULL
);
