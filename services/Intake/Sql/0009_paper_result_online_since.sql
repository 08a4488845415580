-- Issue 24 item 3: two facts of a procedure version the Decision 766 index needs (docs/kpi766-choices.md).
--   paper_result: the result must be issued as a paper original (true), need not be (false), NULL = not recorded
--                 (never read as false).
--   online_level_since: the date online_level took effect; NULL = not recorded. A date needs a known level.
-- Versions are immutable, so existing rows keep NULL (unknown): a recorded fact is a new version.
-- The immutability trigger refuses UPDATE, not ALTER TABLE, so adding nullable columns leaves every version as it was.
ALTER TABLE procedure_versions
    ADD COLUMN paper_result       boolean NULL,
    ADD COLUMN online_level_since date    NULL,
    ADD CONSTRAINT procedure_versions_level_since_needs_level CHECK (online_level_since IS NULL OR online_level <> 'unknown');
