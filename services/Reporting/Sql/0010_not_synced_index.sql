-- The portal's view of the index (issue 24, Kpi/Indicators/IndexView.cs) takes off the received dossiers the national
-- portal does not hold (no step acknowledged), read from dossier_facts per period: normally a few recent ones, found
-- through this partial index instead of a scan of the period's facts.
CREATE INDEX dossier_facts_not_synced ON dossier_facts (received_day) WHERE synced_seq = 0 AND received_at IS NOT NULL;
