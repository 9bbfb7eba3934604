-- Password backups hardened by the server's OPRF (issue 18, envelope
-- format 2). One row per account: the stored backup's key id, context and
-- confirmation hash (NULL while the stored password backup is format 1 or
-- there is none); the evaluations since the last confirmation, each taken
-- before it is made (unconfirmed); when the password path locked; and the
-- context a device is sealing a new backup under, until it stores it.
CREATE TABLE password_oprf (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    key_id TEXT,
    context BYTEA,
    confirmation_hash BYTEA,
    unconfirmed BIGINT NOT NULL DEFAULT 0,
    locked_at BIGINT,
    pending_key_id TEXT,
    pending_context BYTEA,
    pending_at BIGINT,
    updated_at BIGINT NOT NULL
);
