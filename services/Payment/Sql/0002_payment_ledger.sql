-- What Payment knows of a dossier from DossierSubmitted: who may see its payments and the fees of the procedure
-- version it was submitted under (whole VND). last_status follows DossierStatusChanged.
CREATE TABLE payment_dossiers (
    code              text        PRIMARY KEY,
    procedure_code    text        NOT NULL,
    procedure_version int         NULL,
    receiving_unit    text        NOT NULL,
    deciding_agency   text        NOT NULL,
    applicant_name    text        NOT NULL,
    fees              jsonb       NOT NULL,
    total_vnd         bigint      NOT NULL CHECK (total_vnd >= 0),
    submitted_at      timestamptz NOT NULL,
    last_status       smallint    NULL,
    last_sequence     bigint      NOT NULL DEFAULT 0
);
CREATE INDEX payment_dossiers_receiving_unit ON payment_dossiers (receiving_unit);
CREATE INDEX payment_dossiers_deciding_agency ON payment_dossiers (deciding_agency);

-- The payment ledger (0001 created the table empty). State machine (Ledger/PaymentStates.cs):
-- new → pending (INIT answered) → succeeded | failed | expired; succeeded → refunding → refunded.
-- Every transition is a conditional UPDATE on the state read, so the first final state wins.
ALTER TABLE payments
    ADD COLUMN reference        text        NOT NULL,
    ADD COLUMN trigger          text        NOT NULL,
    ADD COLUMN requested_at     timestamptz NOT NULL,
    ADD COLUMN payment_url      text        NULL,
    ADD COLUMN transaction_id   text        NULL,
    ADD COLUMN paid_at          timestamptz NULL,
    ADD COLUMN paid_online      smallint    NULL,
    ADD COLUMN failed_at        timestamptz NULL,
    ADD COLUMN failure_reason   text        NULL,
    ADD COLUMN receipt          jsonb       NULL,
    ADD COLUMN receipt_at       timestamptz NULL,
    ADD COLUMN refund_reason    text        NULL,
    ADD COLUMN refunded_at      timestamptz NULL,
    ADD COLUMN attempts         int         NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_error       text        NULL,
    ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT payments_reference UNIQUE (reference),
    ADD CONSTRAINT payments_state CHECK (state IN ('new', 'pending', 'succeeded', 'failed', 'expired', 'refunding', 'refunded')),
    ADD CONSTRAINT payments_paid_has_transaction CHECK (state NOT IN ('succeeded', 'refunding', 'refunded')
                                                        OR (transaction_id IS NOT NULL AND paid_at IS NOT NULL));

-- At most one live or paid payment per dossier: a duplicate request, a replayed event or a concurrent retry
-- cannot create a second one, and a dossier is never charged twice.
CREATE UNIQUE INDEX payments_one_live_per_dossier ON payments (dossier_code)
    WHERE state IN ('new', 'pending', 'succeeded', 'refunding', 'refunded');
CREATE UNIQUE INDEX payments_transaction_id ON payments (transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX payments_due ON payments (next_attempt_at) WHERE state IN ('new', 'pending', 'succeeded', 'refunding');
CREATE INDEX payments_requested_at ON payments (requested_at);

-- Every callback received, trusted or not (signature failures are kept here too): the evidence for disputes.
CREATE TABLE payment_callbacks (
    id             bigserial   PRIMARY KEY,
    reference      text        NULL,
    transaction_id text        NULL,
    amount         text        NULL,
    result_code    text        NULL,
    outcome        text        NOT NULL,
    remote_address text        NULL,
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_callbacks_reference ON payment_callbacks (reference);
