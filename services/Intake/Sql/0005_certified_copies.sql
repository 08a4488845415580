-- Electronic certified copies (chứng thực bản sao điện tử từ bản chính), the electronic results Intake learns from
-- Processing, and every reuse of either by a later dossier (issue 10).

-- A certified copy: a stored (digitised) document an officer checked against the original the applicant presented.
-- The signature covers every column but itself (CertifiedCopySigner.Payload), so a changed row or file fails verification.
CREATE TABLE certified_copies (
    id              uuid        PRIMARY KEY,
    document_id     uuid        NOT NULL REFERENCES documents (id),
    sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),   -- of the file bytes, as certified
    owner_id_number text        NOT NULL,                                      -- whose original it is: only they may reuse it
    officer         text        NOT NULL CHECK (char_length(officer) BETWEEN 1 AND 200),
    officer_client  text        NOT NULL,
    agency          text        NOT NULL,                                      -- the certifying agency
    certified_at    timestamptz NOT NULL,
    key_id          text        NOT NULL,                                      -- which signing key (keys rotate)
    signature       text        NOT NULL                                       -- base64 ECDSA P-256 / SHA-256 (IEEE P1363)
);
CREATE INDEX certified_copies_sha256 ON certified_copies (sha256);
CREATE INDEX certified_copies_owner ON certified_copies (owner_id_number);

-- Electronic results of returned dossiers (ResultDocument with an electronic result code), reusable by their owner.
CREATE TABLE electronic_results (
    code            text        PRIMARY KEY,
    dossier_code    text        NOT NULL REFERENCES dossiers (code),
    owner_id_number text        NOT NULL,
    name            text        NOT NULL,
    file_reference  text        NULL,
    registered_at   timestamptz NOT NULL
);
CREATE INDEX electronic_results_owner ON electronic_results (owner_id_number);

-- Which dossier reused what, recorded with the submission (the dossier's documents carry Reused = true too).
CREATE TABLE document_reuses (
    dossier_code   text        NOT NULL REFERENCES dossiers (code),
    component_code text        NOT NULL,
    reference      text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('certified-copy', 'electronic-result')),
    reused_at      timestamptz NOT NULL,
    PRIMARY KEY (dossier_code, component_code, reference)
);

-- Certified copies are evidence: never changed or deleted.
CREATE FUNCTION certified_copies_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'certified copies are immutable: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER certified_copies_immutable BEFORE UPDATE OR DELETE ON certified_copies
    FOR EACH ROW EXECUTE FUNCTION certified_copies_refuse_change();
