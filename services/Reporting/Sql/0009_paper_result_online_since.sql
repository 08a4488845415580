-- Issue 24 item 3: whether a procedure version's result must be a paper original, and when its online level took
-- effect (docs/kpi766-choices.md, "Paper results and online levels").
--   procedure_versions: the two facts as the catalogue events carry them (NULL = not recorded).
--   dossier_facts.paper_result: the fact of the version the dossier was submitted under (DossierSubmitted.PaperResult).
--   daily_facts / monthly_facts: the counters of Tally that depend on it (3.3's and 4.2's numerators with the
--   e-result condition, 4.1's numerator and denominators, and the dossiers whose fact is unknown).
ALTER TABLE procedure_versions
    ADD COLUMN paper_result       boolean NULL,
    ADD COLUMN online_level_since date    NULL;

ALTER TABLE dossier_facts ADD COLUMN paper_result boolean NULL;

-- daily_facts and its monthly roll-up carry the same counters (Tally.StoredColumns); paper_result* count 4.1's cohort
-- (DossierFact.InPaperResultCohort: a paper original required, or not recorded). Every dossier projected before this
-- migration came without the fact (unknown), which changes no count: the UPDATE writes exactly what Tally.Of gives such
-- a dossier (and what POST /api/v1/kpi/rebuild would write).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['daily_facts', 'monthly_facts'] LOOP
        EXECUTE format('ALTER TABLE %I
            ADD COLUMN paper_result            bigint NOT NULL DEFAULT 0,
            ADD COLUMN paper_result_decided    bigint NOT NULL DEFAULT 0,
            ADD COLUMN paper_result_electronic bigint NOT NULL DEFAULT 0,
            ADD COLUMN paper_result_unknown    bigint NOT NULL DEFAULT 0,
            ADD COLUMN online_counted          bigint NOT NULL DEFAULT 0,
            ADD COLUMN digitised_counted       bigint NOT NULL DEFAULT 0', t);
        EXECUTE format('UPDATE %I SET paper_result = received, paper_result_decided = decided,
            paper_result_electronic = electronic_result, paper_result_unknown = received, online_counted = online,
            digitised_counted = digitised', t);
    END LOOP;
END $$;
