-- Append-only, tamper-evident audit log shared by every service (each in its own database).
-- Rows are written only through Procedures.Messaging.Audit.AuditLog.AppendAsync, inside the business
-- transaction they account for; each row's hash covers its predecessor's hash and all of its own columns.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    client_id     text        NOT NULL,
    agency        text        NOT NULL,
    action        text        NOT NULL,           -- e.g. dossier.submit, dossier.read
    resource      text        NOT NULL,           -- e.g. a dossier code
    personal_data boolean     NOT NULL,
    reason        text        NULL,               -- from the caller's X-Audit-Reason header
    trace_id      text        NULL,
    detail        jsonb       NULL,
    prev_hash     bytea       NULL,               -- NULL only for the first entry of the chain
    hash          bytea       NOT NULL            -- SHA-256, see AuditLog
);

CREATE INDEX entries_at ON audit.entries (at);
CREATE INDEX entries_resource ON audit.entries (resource);
CREATE INDEX entries_agency_at ON audit.entries (agency, at);

-- One successor per entry and a single first entry: a row claiming an already-claimed predecessor (a fork
-- of the chain, e.g. from an appender reading a stale snapshot) is refused instead of stored.
CREATE UNIQUE INDEX entries_prev_hash ON audit.entries (prev_hash) NULLS NOT DISTINCT;

-- Append-only: any UPDATE, DELETE or TRUNCATE statement is refused, even one matching no row.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.entries is append-only: % is not allowed', TG_OP
        USING HINT = 'Audit entries can only be inserted.';
END $$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- Fires under session_replication_role = replica as well; only disabling the trigger (owner) gets past it,
-- and that tampering is what the hash chain exposes.
ALTER TABLE audit.entries ENABLE ALWAYS TRIGGER entries_append_only;
