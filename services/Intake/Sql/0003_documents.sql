-- Documents uploaded before the dossier that references them (POST /api/v1/documents), stored in this database:
-- one transaction covers the document, its audit entry and later its attachment to a dossier, and backups hold
-- everything. Size trade-off: at the configured limit (20 MB by default) the content adds to the database's size,
-- backups and replication traffic one for one; past a few TB, or for much larger files, move the content to an
-- object store and keep these rows as the index. The content is split into chunk rows, so neither the service
-- nor the database server ever holds a whole file in one value (a single bytea is materialised whole on every read).
CREATE TABLE documents (
    id              uuid        PRIMARY KEY,                       -- server-generated; never derived from the client's name
    sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size            bigint      NOT NULL CHECK (size > 0),
    media_type      text        NOT NULL,                          -- sniffed from the content, never the client's word
    file_name       text        NULL CHECK (char_length(file_name) BETWEEN 1 AND 255), -- display only, cleaned
    digitised       boolean     NOT NULL,                          -- số hóa
    component_code  text        NULL,                              -- dossier component (MaThanhPhanHoSo)
    uploader_client text        NOT NULL,
    uploader_agency text        NOT NULL,                          -- who may read it (with the see-all agencies)
    uploaded_at     timestamptz NOT NULL,
    dossier_code    text        NULL REFERENCES dossiers (code)    -- set once, by the submission that uses it
);
CREATE INDEX documents_uploader_agency ON documents (uploader_agency, uploaded_at);
CREATE INDEX documents_dossier ON documents (dossier_code) WHERE dossier_code IS NOT NULL;

CREATE TABLE document_chunks (
    document_id uuid  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         int   NOT NULL CHECK (seq >= 0),
    data        bytea NOT NULL CHECK (octet_length(data) > 0),
    PRIMARY KEY (document_id, seq)
);
-- PDF, JPEG, PNG and (mostly) TIFF are compressed already: store out of line without trying to compress again.
ALTER TABLE document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A stored document never changes: its content and metadata are what was hashed and audited. The only update
-- allowed is the one attachment to a dossier (NULL to a code); re-attaching or detaching is refused here too.
CREATE FUNCTION documents_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nested: the inner condition names columns only documents has, so it must not be planned for chunks.
    IF TG_TABLE_NAME = 'documents' THEN
        IF OLD.dossier_code IS NULL AND NEW.dossier_code IS NOT NULL
           AND (NEW.id, NEW.sha256, NEW.size, NEW.media_type, NEW.file_name, NEW.digitised, NEW.component_code,
                NEW.uploader_client, NEW.uploader_agency, NEW.uploaded_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.sha256, OLD.size, OLD.media_type, OLD.file_name, OLD.digitised, OLD.component_code,
                OLD.uploader_client, OLD.uploader_agency, OLD.uploaded_at)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'stored documents are immutable: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING HINT = 'Only attaching an unattached document to a dossier updates a document.';
END $$;

CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_refuse_change();
CREATE TRIGGER document_chunks_immutable BEFORE UPDATE ON document_chunks
    FOR EACH ROW EXECUTE FUNCTION documents_refuse_change();
