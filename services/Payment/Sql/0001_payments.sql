-- Payment requests per dossier; filled once Processing asks for fees (payment issue).
CREATE TABLE payments (
    id           uuid        PRIMARY KEY,
    dossier_code text        NOT NULL,
    amount_vnd   bigint      NOT NULL CHECK (amount_vnd > 0),
    state        text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
