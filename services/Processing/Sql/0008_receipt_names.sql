-- What the receipt (form 01) shows besides codes: the receiving unit's name and the fees the procedure version states
-- (both from DossierSubmitted; a dossier recorded before this migration shows codes and no fee, as before).
ALTER TABLE dossiers
    ADD COLUMN receiving_unit_name text  NULL,
    ADD COLUMN fees                jsonb NOT NULL DEFAULT '[]';
