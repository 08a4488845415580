-- The at-risk list of one agency (50 soonest due) read the city-wide due-date index past every other agency's rows.
-- One index per way a dossier belongs to an agency (it decides it, or received it), each in due order.
CREATE INDEX dossier_facts_open_by_agency_due ON dossier_facts (agency, legal_due_at)
    WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL;
CREATE INDEX dossier_facts_open_by_unit_due ON dossier_facts (receiving_unit, legal_due_at)
    WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL;
