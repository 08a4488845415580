-- A dossier whose sequences have a hole that does not fill (an event lost on the way) asks Processing for the missing
-- events: when it last asked and how often, so it asks again only after a while and the dashboard can count them.
ALTER TABLE sync_dossiers
    ADD COLUMN gap_requested_at timestamptz NULL,
    ADD COLUMN gap_requests     int         NOT NULL DEFAULT 0;
