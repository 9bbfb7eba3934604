-- Key backups: envelopes sealed on the device (under the user's password, or
-- their recovery key). The server cannot open them; it keeps the latest of
-- each kind and counts versions so that two devices never overwrite blindly.
CREATE TABLE key_backups (
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('password', 'recovery')),
    version INTEGER NOT NULL,
    envelope BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- What was done with an account's keys and backups, for the user to see.
CREATE TABLE key_audit_events (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    detail TEXT,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX key_audit_events_by_user ON key_audit_events (user_id, at);

-- A private key on its way to a new device of the same user: sealed under a
-- one-time secret the server never sees, deleted when taken or expired.
CREATE TABLE key_transfers (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    envelope BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Encrypted data samples: ciphertext and the content key wrapped per
-- recipient key. No plaintext ever reaches these tables.
CREATE TABLE data_samples (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id),
    ciphertext BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX data_samples_by_owner ON data_samples (owner_id, created_at);

CREATE TABLE data_sample_keys (
    sample_id TEXT NOT NULL REFERENCES data_samples (id),
    recipient_id TEXT NOT NULL REFERENCES users (id),
    key_id TEXT NOT NULL,
    wrapped_key BLOB NOT NULL,
    PRIMARY KEY (sample_id, recipient_id, key_id)
) WITHOUT ROWID;
CREATE INDEX data_sample_keys_by_recipient ON data_sample_keys (recipient_id);
