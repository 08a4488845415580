-- Digitisation indicators from real events (issue 10).
-- 4.4: a dossier is linked to the citizen's data store also when its electronic result reached the store
-- (ResultStoredForCitizen, logged in event_log as kind 'citizen-store'); the daily citizen_store counter counts either.
ALTER TABLE dossier_facts ADD COLUMN result_in_citizen_store boolean NOT NULL DEFAULT false;

-- ELECTRONIC_CERTIFIED_COPY: communes offering the service = commune-level units that issued a certified copy in the
-- period (CopyCertified; one row per copy, so a redelivered event changes nothing).
CREATE TABLE certified_copies (
    copy_id       uuid        PRIMARY KEY,
    agency        text        NOT NULL,
    certified_day date        NOT NULL,           -- Vietnam date
    certified_at  timestamptz NOT NULL
);
CREATE INDEX certified_copies_by_day ON certified_copies (certified_day, agency);
