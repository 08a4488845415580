-- The event log becomes the public stream's ordered outbox: every public event once (stable event id), held until its
-- predecessor in the dossier's sequence is released, then given a stream position (the release order, which keeps each
-- dossier's order), published to the public exchange and fanned out to webhook subscriptions.
ALTER TABLE event_log DROP CONSTRAINT event_log_pkey;
ALTER TABLE event_log
    ADD COLUMN id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ADD COLUMN event_id        uuid,
    ADD COLUMN type            text,
    ADD COLUMN is_status       boolean NOT NULL DEFAULT true,
    ADD COLUMN agencies        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN procedure_code  text,
    ADD COLUMN cloud_event     text,
    ADD COLUMN stream_position bigint,
    ADD COLUMN released_at     timestamptz,
    ADD COLUMN published_at    timestamptz;
ALTER TABLE event_log ALTER COLUMN sequence DROP NOT NULL, ALTER COLUMN status DROP NOT NULL;
-- Rows logged before the public stream existed are history only: never published.
UPDATE event_log SET released_at = received_at, published_at = received_at, stream_position = 0;
CREATE UNIQUE INDEX event_log_event_id ON event_log (event_id);
CREATE UNIQUE INDEX event_log_status_sequence ON event_log (dossier_code, sequence) WHERE is_status;
CREATE INDEX event_log_held ON event_log (dossier_code) WHERE released_at IS NULL;
CREATE INDEX event_log_unpublished ON event_log (stream_position) WHERE published_at IS NULL AND stream_position IS NOT NULL;
CREATE INDEX event_log_time ON event_log (received_at);
CREATE SEQUENCE stream_position_seq;

-- Who a dossier's events belong to (learnt from its status events), for events that do not say it themselves.
CREATE TABLE dossier_routes (
    dossier_code   text PRIMARY KEY,
    agencies       text[] NOT NULL,
    procedure_code text,
    last_released  bigint NOT NULL DEFAULT 0  -- highest status sequence released to the stream
);

CREATE TABLE webhook_subscriptions (
    id             uuid PRIMARY KEY,
    agency         text NOT NULL,
    all_agencies   boolean NOT NULL DEFAULT false,   -- the city's control office sees every agency's events
    client_id      text NOT NULL,
    url            text NOT NULL,
    secret         text NOT NULL,
    event_types    text[] NOT NULL DEFAULT '{}',     -- empty: every type
    agencies       text[] NOT NULL DEFAULT '{}',     -- empty: every agency the subscriber may see
    procedures     text[] NOT NULL DEFAULT '{}',     -- empty: every procedure
    description    text,
    state          text NOT NULL DEFAULT 'active',   -- active | paused | disabled
    disabled_reason text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    lease_owner    text,
    lease_until    timestamptz,
    last_alert_on  date
);
CREATE INDEX webhook_subscriptions_agency ON webhook_subscriptions (agency);

-- One row per event to deliver to one subscription (a replay adds a row); the row is the dead letter when retries run out.
CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES webhook_subscriptions ON DELETE CASCADE,
    event_id        uuid NOT NULL,
    dossier_code    text NOT NULL,
    stream_position bigint NOT NULL,
    state           text NOT NULL DEFAULT 'pending',  -- pending | delivered | dead
    attempts        int NOT NULL DEFAULT 0,
    due_at          timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    first_failed_at timestamptz,
    last_status     int,
    last_error      text,
    finished_at     timestamptz,
    replay_of       bigint,
    replayed_at     timestamptz
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, dossier_code, stream_position) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (subscription_id) WHERE state = 'dead';

-- The delivery log: every attempt, its answer and latency.
CREATE TABLE webhook_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     bigint NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    subscription_id uuid NOT NULL,
    event_id        uuid NOT NULL,
    attempt         int NOT NULL,
    attempted_at    timestamptz NOT NULL,
    status_code     int,
    latency_ms      int NOT NULL,
    outcome         text NOT NULL,  -- delivered | retry | dead | gone
    error           text
);
CREATE INDEX webhook_attempts_subscription ON webhook_attempts (subscription_id, attempted_at);
