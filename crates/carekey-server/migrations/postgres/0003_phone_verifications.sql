-- A logged-in user proving a phone number theirs, to log in with it later.
-- Ids are UUIDv7 (they sort by creation time); the code is kept as a keyed hash.
CREATE TABLE phone_verifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    phone TEXT NOT NULL,
    code_hash BYTEA,
    code_expires_at BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'locked')),
    created_at BIGINT NOT NULL
);
