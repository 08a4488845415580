-- The published procedure catalogue (thủ tục hành chính) and the receiving units (one-door desks).
-- Text search is diacritics-insensitive: "cap giay phep xay dung" finds "Cấp giấy phép xây dựng" (đ/Đ fold to d).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- NFC, accents removed (unaccent's rules map every Vietnamese letter, đ and Đ included, to ASCII), then lower case:
-- after unaccent the text is ASCII, so lower() does not depend on the database's locale. IMMUTABLE (the dictionary
-- is named explicitly and the body is bound at creation), so it can feed a stored generated column and an index.
CREATE FUNCTION catalogue_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, normalize($1, NFC)));

-- One row per procedure code: which version is current. Rows of procedure_versions are never changed.
CREATE TABLE procedures (
    code            text        PRIMARY KEY CHECK (code ~ '^[0-9]\.[0-9]{6}(\.H29)?$'),
    current_version int         NOT NULL CHECK (current_version >= 1),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- A version states everything a dossier needs. NULL is "not published", never "none":
--   fees NULL = fee unknown, '[]' = no fee; processing_* NULL = no published term; level NULL = the source lists
--   both levels; online_processing_* NULL = no separate online term; deciding_agency NULL = not known (a draft).
-- deciding_agency is an agency identifier or a rule marker ('commune-people-committee', 'commune-police').
CREATE TABLE procedure_versions (
    code                     text        NOT NULL REFERENCES procedures (code),
    version                  int         NOT NULL CHECK (version >= 1),
    name                     text        NOT NULL CHECK (name <> ''),
    field                    text        NOT NULL CHECK (field <> ''),
    level                    text        NULL CHECK (level IN ('province', 'commune')),
    deciding_agency          text        NULL,
    documents                jsonb       NOT NULL CHECK (jsonb_typeof(documents) = 'array'),
    fees                     jsonb       NULL CHECK (jsonb_typeof(fees) = 'array'),
    processing_amount        int         NULL CHECK (processing_amount > 0),
    processing_unit          text        NULL CHECK (processing_unit IN ('working-days', 'calendar-days', 'working-hours')),
    online_processing_amount int         NULL CHECK (online_processing_amount > 0),
    online_processing_unit   text        NULL CHECK (online_processing_unit IN ('working-days', 'calendar-days', 'working-hours')),
    online_level             text        NOT NULL CHECK (online_level IN ('unknown', 'none', 'partial', 'full')),
    result_text              text        NULL,
    result_form              text        NOT NULL CHECK (result_form IN ('unknown', 'paper', 'electronic', 'both')),
    boundary_free            boolean     NULL,
    effective_from           date        NULL,
    published_on             date        NULL,
    source                   text        NULL,
    notes                    text        NULL,
    created_at               timestamptz NOT NULL,
    search_text              text        GENERATED ALWAYS AS (catalogue_fold(code || ' ' || name || ' ' || field)) STORED,
    PRIMARY KEY (code, version),
    CHECK ((processing_amount IS NULL) = (processing_unit IS NULL)),
    CHECK ((online_processing_amount IS NULL) = (online_processing_unit IS NULL))
);
CREATE INDEX procedure_versions_search ON procedure_versions USING gin (search_text gin_trgm_ops);

-- The current version exists (checked at commit: the procedure row and its first version are written together).
ALTER TABLE procedures ADD CONSTRAINT procedures_current_version_exists
    FOREIGN KEY (code, current_version) REFERENCES procedure_versions (code, version) DEFERRABLE INITIALLY DEFERRED;

-- A dossier keeps the version it was submitted under: versions are immutable.
CREATE FUNCTION procedure_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'procedure versions are immutable: % is not allowed', TG_OP
        USING HINT = 'A change of a procedure is a new version.';
END $$;

CREATE TRIGGER procedure_versions_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON procedure_versions
    FOR EACH STATEMENT EXECUTE FUNCTION procedure_versions_refuse_change();

-- Receiving units: the city's 168 communes and the city level. local_scheme = the identifier is our documented
-- local scheme ({5-digit commune code}.H29; 000.00.00.H29 for the city), not a confirmed national identifier.
CREATE TABLE receiving_units (
    id           text    PRIMARY KEY,
    name         text    NOT NULL,
    type         text    NOT NULL CHECK (type IN ('thanh_pho', 'phuong', 'xa', 'dac_khu')),
    level        text    NOT NULL CHECK (level IN ('province', 'commune')),
    admin_code   text    NOT NULL,             -- administrative unit code (QĐ 19/2025/QĐ-TTg): 5 digits, 2 for the city
    local_scheme boolean NOT NULL,
    search_text  text    GENERATED ALWAYS AS (catalogue_fold(id || ' ' || name)) STORED
);
CREATE INDEX receiving_units_search ON receiving_units USING gin (search_text gin_trgm_ops);
