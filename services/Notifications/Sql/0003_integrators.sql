-- Issue 25: facts in order, nothing silently dropped, secrets rotated with an overlap, logs kept after deletion,
-- replays marked, traces continued.

-- "Up to N" facts never go backwards: the highest portal acknowledgement released per dossier. An event that would
-- carry a lower value than one already released is kept in the log as superseded and never published.
ALTER TABLE dossier_routes ADD COLUMN last_synced bigint NOT NULL DEFAULT 0;
ALTER TABLE event_log
    ADD COLUMN superseded  boolean NOT NULL DEFAULT false,
    ADD COLUMN traceparent text;   -- W3C trace context of the internal event that produced it (deliveries continue that trace)

-- Rotation: the previous secret keeps signing (beside the new one) until previous_secret_until.
-- Deletion: the row stays (state 'deleted', deleted_at) with its delivery log for the retention window.
-- Missed: pending deliveries of a paused or disabled subscription that outlived the retention window are expired; the
-- subscription shows what it missed (first and last release time, count) until a replay of the missed events.
ALTER TABLE webhook_subscriptions
    ADD COLUMN previous_secret       text,
    ADD COLUMN previous_secret_until timestamptz,
    ADD COLUMN deleted_at            timestamptz,
    ADD COLUMN missed_from           timestamptz,
    ADD COLUMN missed_to             timestamptz,
    ADD COLUMN missed_count          int NOT NULL DEFAULT 0;

-- Why a delivery exists: null for the live stream, else the replay that queued it (event | range | dead-letter | missed).
ALTER TABLE webhook_deliveries ADD COLUMN replay_reason text;
-- Dead letters and time-range replays already point at nothing or at their original; mark the existing replays.
UPDATE webhook_deliveries SET replay_reason = 'dead-letter' WHERE replay_of IS NOT NULL;
CREATE INDEX webhook_deliveries_expired ON webhook_deliveries (subscription_id) WHERE state = 'expired';
