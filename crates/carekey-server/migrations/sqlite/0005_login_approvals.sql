-- Where a login was asked from (the device's own name, else its
-- User-Agent; and its address), shown on the link's landing page so that a
-- person approving it from another device can tell the request is theirs.
-- Written by the start's own statement: no extra commit per login.
ALTER TABLE auth_requests ADD COLUMN origin_device TEXT;
ALTER TABLE auth_requests ADD COLUMN origin_ip TEXT;

-- A login approved from another device (a tap on its link's landing page):
-- the code, sealed with the server's queue key, waiting for the device that
-- asked, which alone holds the verifier that turns it into a session.
CREATE TABLE login_approvals (
    request_id TEXT PRIMARY KEY,
    sealed_code BLOB NOT NULL,
    ip TEXT NOT NULL,
    approved_at INTEGER NOT NULL
) WITHOUT ROWID;
