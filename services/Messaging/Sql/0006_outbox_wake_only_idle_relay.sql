-- The outbox trigger notified the relay at every commit that wrote an outbox row. In Postgres 15 a transaction with a
-- pending NOTIFY takes one cluster-wide lock at commit and holds it through its WAL flush, so every notifying commit of
-- every service waited for the one before it, where plain commits share a flush (BENCHMARKS.md measures both side by
-- side). A relay that is already awake needs no wake-up: it finds the row in its next pass. So a writer notifies only when
-- no relay is awake, and otherwise tells the relay, through a lock it holds until it commits, to look once more before it
-- sleeps (OutboxRelay.StayAwake explains the protocol). Advisory locks live in memory: no WAL, no lock at commit.
--   (hashtext('messaging_outbox'), 1): held by an awake relay (its own session); a writer only tests it.
--   (hashtext('messaging_outbox'), 2): taken shared by each writer that did not notify, until it commits or rolls back.
CREATE OR REPLACE FUNCTION messaging.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    channel constant int := hashtext('messaging_outbox');
BEGIN
    -- First the writers' lock, then the test: a relay that falls asleep after the test waits for this transaction.
    PERFORM pg_advisory_xact_lock_shared(channel, 2);
    IF pg_try_advisory_lock_shared(channel, 1) THEN
        PERFORM pg_advisory_unlock_shared(channel, 1);
        PERFORM pg_notify('messaging_outbox', '');
    END IF;
    RETURN NULL;
END $$;
