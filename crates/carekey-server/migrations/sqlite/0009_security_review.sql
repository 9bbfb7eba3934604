-- A magic link's own secret, never derived from the code (issue 10): its
-- keyed hash, and the code sealed under a key only the link gives, so the
-- landing page can show the code to the holder of the real link alone.
ALTER TABLE auth_requests ADD COLUMN link_hash BLOB;
ALTER TABLE auth_requests ADD COLUMN link_code BLOB;
-- The call that took the request's last try (batched SQLite logins tell
-- their own try from a neighbour's by it).
ALTER TABLE auth_requests ADD COLUMN last_try TEXT;

-- The successor a refresh token was traded for, sealed with the server's
-- queue key: a concurrent refresh inside the grace window gets this same
-- successor, never a chain of its own.
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed BLOB;

-- When a session last proved, with a code sent to the account's own
-- contact, that its holder is the account's owner (a login proves it at the
-- session's creation). Changing how the account logs in or who can read its
-- data needs a recent proof: a stolen access token alone cannot.
ALTER TABLE sessions ADD COLUMN proven_at INTEGER;

-- A key its owner revoked: no longer handed out nor used for new data.
ALTER TABLE public_keys ADD COLUMN revoked_at INTEGER;

-- A fresh proof in progress: a code sent to the account's login contact.
CREATE TABLE proofs (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    session_id TEXT NOT NULL REFERENCES sessions (id),
    contact_kind TEXT NOT NULL,
    contact TEXT NOT NULL,
    code_hash BLOB,
    code_expires_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'locked')),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Who asked for a login, as the limits count requesters: an IPv4 address,
-- or an IPv6 /64.
ALTER TABLE auth_requests ADD COLUMN origin_requester TEXT;

-- Requesters (networks) from which an identifier's owner has logged in
-- with a code. A stranger's traffic (many starts, wrong codes) never stops
-- the owner from getting a code from one of these: the identifier-wide
-- ceiling and the lockout after wrong codes apply to the others.
CREATE TABLE trusted_requesters (
    identifier TEXT NOT NULL,
    requester TEXT NOT NULL,
    last_login_at INTEGER NOT NULL,
    PRIMARY KEY (identifier, requester)
) WITHOUT ROWID;
