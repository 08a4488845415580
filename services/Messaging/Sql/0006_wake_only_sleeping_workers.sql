-- Triggers woke their workers with a NOTIFY at every commit that made work (the outbox relay at every commit that wrote an
-- outbox row; PortalSync's and Payment's workers likewise, see their own scripts). In Postgres 15 a transaction with a
-- pending NOTIFY takes one cluster-wide lock at commit and holds it through its WAL flush, so every notifying commit of
-- every service waited for the one before it, where plain commits share a flush (BENCHMARKS.md measures both side by
-- side: about a fifth of the rate). A worker that is awake needs no wake-up: it finds the row in its next pass. So a
-- writer notifies only when no worker of the channel is awake, and otherwise tells them, through a lock it holds until it
-- commits, to look once more before they sleep (AwakeLock.cs). Advisory locks live in memory: no WAL, no lock at commit.
--   (hashtext(channel), 1): held by a job whose workers are awake (on a session of its own); a writer only tests it.
--   (hashtext(channel), 2): taken shared by every writer, until it commits or rolls back.
CREATE FUNCTION messaging.wake(channel text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    key constant int := hashtext(channel);
BEGIN
    -- First the writers' lock, then the test: workers that fall asleep after the test wait for this transaction.
    PERFORM pg_advisory_xact_lock_shared(key, 2);
    IF pg_try_advisory_lock_shared(key, 1) THEN
        PERFORM pg_advisory_unlock_shared(key, 1);
        PERFORM pg_notify(channel, '');
    END IF;
END $$;

CREATE OR REPLACE FUNCTION messaging.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM messaging.wake('messaging_outbox');
    RETURN NULL;
END $$;
