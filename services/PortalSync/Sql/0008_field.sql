-- MaLinhVuc and TenLinhVuc: the procedure's field as DossierSubmitted states it (the version the dossier was submitted under).
ALTER TABLE sync_dossiers
    ADD COLUMN field_code text NULL,
    ADD COLUMN field_name text NULL;
