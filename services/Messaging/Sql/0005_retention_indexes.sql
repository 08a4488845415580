-- The retention job (MessagingRetention) deletes by age; these let each pass find old rows without reading whole tables.
-- Plain CREATE INDEX blocks writers while it builds: on a large production table, build these CONCURRENTLY beforehand
-- (the IF NOT EXISTS lets this script pass over them).
CREATE INDEX IF NOT EXISTS outbox_sent ON messaging.outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS inbox_processed ON messaging.inbox (processed_at);
