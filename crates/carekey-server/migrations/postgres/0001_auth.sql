-- Times are Unix milliseconds (BIGINT); ids are UUID text.

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('patient', 'clinician')),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT UNIQUE,
    -- Verified numbers only: a number given beside an email (which got the
    -- code) is not proven, so it is kept apart and never used to log in.
    phone TEXT UNIQUE,
    unverified_phone TEXT,
    responsible_clinician_id TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One login or registration in progress. The code itself is never stored.
-- Ids are UUIDv7: they sort by creation time, so old requests are found by id.
CREATE TABLE auth_requests (
    id TEXT PRIMARY KEY,
    flavor TEXT NOT NULL CHECK (flavor IN ('native', 'biot')),
    contact_kind TEXT NOT NULL CHECK (contact_kind IN ('email', 'sms')),
    contact TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    registration TEXT,
    device_challenge TEXT,
    code_hash BYTEA,
    code_expires_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    resend_after BIGINT NOT NULL,
    sends BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'locked')),
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    -- The session a right code opened: completing twice is refused.
    session_id TEXT
) WITH (fillfactor = 70); -- room to complete a request in place (HOT update)

-- Wrong codes in a row per email or phone number, across requests.
CREATE TABLE identifier_guards (
    identifier TEXT PRIMARY KEY,
    consecutive_failures BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
) WITH (fillfactor = 50);

-- Fixed-window counters of the send limits (per identifier, IP, phone prefix).
CREATE TABLE rate_counters (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
) WITH (fillfactor = 50); -- counters are updated in place (HOT)

-- A session is a refresh-token family.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT
);

CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

-- The durable outgoing queue. The body is sealed (it holds a code); a row is
-- deleted once its transport accepted the message, and kept as 'failed' (body
-- wiped) when given up.
CREATE TABLE message_jobs (
    id TEXT PRIMARY KEY,
    transport TEXT NOT NULL,
    sealed_body BYTEA,
    status TEXT NOT NULL CHECK (status IN ('pending', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    run_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX message_jobs_due ON message_jobs (run_at) WHERE status = 'pending';
