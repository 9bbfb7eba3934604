-- A clinician's invitations (issue 16): a link <id>.<secret> whose holder
-- registers (or names him from her account) as his patient, accepted at
-- once. The secret is kept as a keyed hash; each check takes a try first
-- (failed_attempts; a right secret gives it back), and a patient admitted
-- takes one of uses_left in the transaction that makes her his.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    clinician_id TEXT NOT NULL REFERENCES users (id),
    secret_hash BYTEA NOT NULL,
    uses BIGINT NOT NULL,
    uses_left BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX invitations_clinician ON invitations (clinician_id);
