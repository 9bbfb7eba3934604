-- Guests: anonymous accounts made before any login (no name, no contact),
-- so that what a person does before logging in has an owner. Logging in
-- from the same device carries their data into the real account, after
-- which the guest account is deleted.
ALTER TABLE users ADD COLUMN guest INTEGER NOT NULL DEFAULT 0;

-- A user's preferences (a small JSON object).
CREATE TABLE user_settings (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    settings TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
