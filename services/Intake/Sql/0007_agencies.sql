-- The register of agencies (cơ quan): who may decide a dossier (and, for communes and the city, who receives it).
-- Kept like the catalogue: one row per agency naming its current version; versions are never changed or deleted,
-- a change is a new version (an agency dissolved in a reorganisation gets a version with effective_to set).
CREATE TABLE agencies (
    id              text        PRIMARY KEY CHECK (id ~ '^[0-9A-Za-z]{1,20}(\.[0-9A-Za-z]{1,20}){0,5}$'),
    current_version int         NOT NULL CHECK (current_version >= 1),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- kind: city-people-committee | commune-people-committee | commune-police | department | police.
-- decides: the agency decides procedures (the register also lists units that only receive, should any be added).
-- effective_from/effective_to: the dates between which the agency exists (to exclusive); NULL = open.
-- local_scheme: the identifier is our documented local scheme, not a confirmed national agency identifier.
CREATE TABLE agency_versions (
    id             text        NOT NULL REFERENCES agencies (id),
    version        int         NOT NULL CHECK (version >= 1),
    name           text        NOT NULL CHECK (name <> ''),
    kind           text        NOT NULL CHECK (kind IN ('city-people-committee', 'commune-people-committee', 'commune-police',
                                                        'department', 'police')),
    decides        boolean     NOT NULL,
    effective_from date        NULL,
    effective_to   date        NULL,
    local_scheme   boolean     NOT NULL,
    source         text        NULL,
    created_at     timestamptz NOT NULL,
    search_text    text        GENERATED ALWAYS AS (catalogue_fold(id || ' ' || name)) STORED,
    PRIMARY KEY (id, version),
    CHECK (effective_to IS NULL OR effective_from IS NULL OR effective_to > effective_from)
);

ALTER TABLE agencies ADD CONSTRAINT agencies_current_version_exists
    FOREIGN KEY (id, current_version) REFERENCES agency_versions (id, version) DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION agency_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agency versions are immutable: % is not allowed', TG_OP
        USING HINT = 'A change of an agency is a new version.';
END $$;

CREATE TRIGGER agency_versions_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON agency_versions
    FOR EACH STATEMENT EXECUTE FUNCTION agency_versions_refuse_change();
