-- Changing the login email as the phone number is changed (issue 16): one
-- table of requests that wait for the code sent to the new address, whatever
-- its kind ('email' or 'phone'); the rows of before are all phone numbers.
ALTER TABLE phone_verifications RENAME TO contact_verifications;
ALTER TABLE contact_verifications RENAME COLUMN phone TO address;
ALTER TABLE contact_verifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'phone'
    CHECK (kind IN ('email', 'phone'));

-- Each notice of a changed login contact, sent to an address of before,
-- carries a "this was not me" link: <id>.<secret>, the secret kept as a
-- keyed hash. Used once, it logs every device of the account out and puts
-- the previous address back if the changed one is still current.
CREATE TABLE contact_changes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    -- What the login contact was before (NULL: there was none) and became.
    previous TEXT,
    current TEXT NOT NULL,
    secret_hash BYTEA NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    reported_at BIGINT
);
CREATE INDEX contact_changes_user ON contact_changes (user_id);
