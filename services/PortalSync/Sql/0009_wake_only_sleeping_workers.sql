-- The sync workers are woken only while none of them is awake (messaging.wake, Messaging's 0006 script says why: a
-- notifying commit serialises the commits of every service in Postgres 15). Same trigger and condition as 0006.
CREATE OR REPLACE FUNCTION notify_sync_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM messaging.wake('portal_sync_due');
    RETURN NULL;
END $$;
