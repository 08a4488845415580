-- The hash chain is now built after commit by one chainer per database (Procedures.Messaging.Audit.AuditChainer),
-- no longer inside every audited transaction. Appending takes no lock, so a service's audited writes stop queuing
-- behind one another (the chain lock was held until each business transaction committed: it capped every service
-- at one audited commit at a time; see BENCHMARKS.md).
--   audit.entries  what happened, written in the business transaction it accounts for (append-only, unchanged);
--   audit.pending  committed entries not chained yet: the chainer removes them as it seals them;
--   audit.seals    the chain: position seq (1, 2, 3, ... without gaps) in the order entries were sealed, the entry,
--                  prev_hash (the previous position's hash, NULL at 1) and hash (append-only).
-- An entry is in audit.pending or in audit.seals, never in neither: the verifier reports one that is.

CREATE TABLE audit.seals (
    seq       bigint   PRIMARY KEY,
    entry_id  bigint   NOT NULL UNIQUE,
    version   smallint NOT NULL,   -- 1: chained inside its transaction (entries before this migration); 2: by the chainer
    prev_hash bytea    NULL,
    hash      bytea    NOT NULL
);

-- One successor per position and a single first one: a second chainer working from a stale head is refused.
CREATE UNIQUE INDEX seals_prev_hash ON audit.seals (prev_hash) NULLS NOT DISTINCT;

CREATE TABLE audit.pending (
    entry_id bigint PRIMARY KEY
);

-- Entries chained before this migration keep their hashes, as version-1 seals in id order.
INSERT INTO audit.seals (seq, entry_id, version, prev_hash, hash)
SELECT row_number() OVER (ORDER BY id), id, 1, prev_hash, hash FROM audit.entries;

ALTER TABLE audit.entries DROP COLUMN prev_hash, DROP COLUMN hash;

CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % is not allowed', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING HINT = 'Audit entries and seals can only be inserted.';
END $$;

CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
ALTER TABLE audit.seals ENABLE ALWAYS TRIGGER seals_append_only;
