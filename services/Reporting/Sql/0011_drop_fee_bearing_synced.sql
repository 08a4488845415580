-- No indicator, query or rule reads how many fee-bearing dossiers reached the national portal (the 766 indicators count
-- fee-bearing and paid-online dossiers, and synced ones apart): the counter only cost every projection upsert a column
-- (issue 23). Kpi/Indicators/Tally.cs no longer has it.
ALTER TABLE daily_facts DROP COLUMN fee_bearing_synced;
ALTER TABLE monthly_facts DROP COLUMN fee_bearing_synced;
