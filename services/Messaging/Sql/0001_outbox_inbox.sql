-- Transactional outbox and inbox shared by every service (each in its own database).
CREATE SCHEMA IF NOT EXISTS messaging;

-- A row is written in the same transaction as the business change; the relay publishes it later.
-- destination NULL = publish by message type; otherwise a send to that endpoint address
-- (used for delayed redelivery back to a consumer's own queue).
CREATE TABLE messaging.outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    uuid        NOT NULL,
    message_type  text        NOT NULL,
    body          jsonb       NOT NULL,
    destination   text        NULL,
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    trace_parent  text        NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    due_at        timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz NULL,
    attempts      int         NOT NULL DEFAULT 0,
    last_error    text        NULL
);

-- The relay only ever looks at unsent rows in due order.
CREATE INDEX outbox_pending ON messaging.outbox (due_at, id) WHERE sent_at IS NULL;

-- Wakes the relay on commit (NOTIFY is delivered only when the inserting transaction commits).
CREATE FUNCTION messaging.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('messaging_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_inserted AFTER INSERT ON messaging.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION messaging.notify_outbox();

-- One row per (message, consumer) whose effect has committed; the unique key makes effects happen once.
CREATE TABLE messaging.inbox (
    message_id   uuid        NOT NULL,
    consumer     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);
