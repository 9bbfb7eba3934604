-- Where a login was asked from, shown on its link's landing page so that a
-- person approving it from another device can tell the request is theirs.
-- Keyed by the request's id (UUIDv7: the janitor clears old ones by id).
CREATE TABLE login_origins (
    request_id TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A login approved from another device (a tap on its link's landing page):
-- the code, sealed with the server's queue key, waiting for the device that
-- asked, which alone holds the verifier that turns it into a session.
CREATE TABLE login_approvals (
    request_id TEXT PRIMARY KEY,
    sealed_code BLOB NOT NULL,
    ip TEXT NOT NULL,
    approved_at INTEGER NOT NULL
) WITHOUT ROWID;
