-- Wakes the payment workers when a payment needs the platform now (NOTIFY is delivered at commit): a new payment request
-- (INIT), a payment that just succeeded (GET_BILL for its receipt), a refund asked for. The workers' own updates that leave
-- nothing to do now (INIT answered → pending until the reconcile time) do not match; the poll interval remains the fallback.
CREATE FUNCTION notify_payment_work_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('payment_work_due', '');
    RETURN NULL;
END $$;

CREATE TRIGGER payments_new AFTER INSERT ON payments
    FOR EACH ROW WHEN (NEW.state = 'new')
    EXECUTE FUNCTION notify_payment_work_due();

CREATE TRIGGER payments_due AFTER UPDATE OF state ON payments
    FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state AND (NEW.state = 'refunding' OR NEW.state = 'succeeded' AND NEW.receipt IS NULL))
    EXECUTE FUNCTION notify_payment_work_due();
