-- Each history row keeps the DossierStatusChanged it announced and that message's id, so a consumer that lost one
-- can ask for it again (DossierHistoryRequested) and get the same event under the same id: inboxes absorb the copies.
ALTER TABLE dossier_history
    ADD COLUMN event_id uuid  NULL,
    ADD COLUMN event    jsonb NULL;
