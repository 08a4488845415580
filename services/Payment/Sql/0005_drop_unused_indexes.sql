-- Every query of payment_dossiers finds its row by code (the primary key), the agency checks included (PayableDossiers,
-- DossierPayments, ForeignDossiers); no query looked a dossier up by its receiving unit or deciding agency, so these two
-- indexes only cost each recorded dossier two index entries (issue 23: idx_scan stayed 0 over a benchmark run).
DROP INDEX IF EXISTS payment_dossiers_receiving_unit;
DROP INDEX IF EXISTS payment_dossiers_deciding_agency;
