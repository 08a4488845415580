-- Dossiers answered 201 that a promoted database primary did not have (asynchronous replication lost their commit):
-- written by Intake's lost-at-failover check, for an operator to query and follow up (docs/operations.md).
CREATE TABLE lost_at_failover (
    dossier_code text        PRIMARY KEY,
    detected_at  timestamptz NOT NULL,
    timeline     integer     NOT NULL,
    server       text        NOT NULL
);
