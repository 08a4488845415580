-- What the dossier owes (issue 21): the total of the fees of the procedure version it was submitted under (from
-- DossierSubmitted), and whether that fee is settled — paid (online or at the desk) or waived by an officer with a
-- reason. Payment may be asked for only while a fee is due; a fee-bearing dossier is decided only once it is settled.
ALTER TABLE dossiers
    ADD COLUMN fees_vnd   bigint  NOT NULL DEFAULT 0 CHECK (fees_vnd >= 0),
    ADD COLUMN fee_paid   boolean NOT NULL DEFAULT false,
    ADD COLUMN fee_waived boolean NOT NULL DEFAULT false;
