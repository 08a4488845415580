-- Applicant identity and dossier facts the portal payload carries (HoSoDongBoDVC).
ALTER TABLE sync_dossiers
    ADD COLUMN applicant_kind      smallint NULL,
    ADD COLUMN applicant_id_number text     NULL,
    ADD COLUMN applicant_phone     text     NULL,
    ADD COLUMN applicant_email     text     NULL,
    ADD COLUMN vneid_level2        boolean  NULL,
    ADD COLUMN deciding_agency     text     NULL,
    ADD COLUMN summary             text     NULL;

-- TaiLieuNop: the submitted documents with their digitised / reused / citizen-store flags (no content).
ALTER TABLE sync_dossiers ADD COLUMN documents jsonb NOT NULL DEFAULT '[]'::jsonb;
