-- A fee paid at the desk is paid back at the desk too (issue 21): the desk's refund receipt (who paid it back, how,
-- the bank reference of a transfer) is kept beside the payment's own receipt. Set only with refunding → refunded.
ALTER TABLE payments ADD COLUMN refund_receipt jsonb NULL;
