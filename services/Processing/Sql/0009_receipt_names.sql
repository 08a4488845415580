-- What the receipt (form 01) shows besides codes: the receiving unit's name and the fees the procedure version states
-- (both from DossierSubmitted). NULL on a dossier recorded before this migration: the codes stand in, the fees are not
-- known here (not "no fee").
ALTER TABLE dossiers
    ADD COLUMN receiving_unit_name text  NULL,
    ADD COLUMN fees                jsonb NULL;
