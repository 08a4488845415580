-- The payment workers are woken only while none of them is awake (messaging.wake, Messaging's 0006 script says why: a
-- notifying commit serialises the commits of every service in Postgres 15). Same triggers and conditions as 0003.
CREATE OR REPLACE FUNCTION notify_payment_work_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM messaging.wake('payment_work_due');
    RETURN NULL;
END $$;
