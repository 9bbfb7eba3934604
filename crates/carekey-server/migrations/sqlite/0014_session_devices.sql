-- The account's list of sessions (issue 16): each session's device as it
-- named itself when its login began (a claim the owner reads, never proof
-- of anything), and when the session was last refreshed (an access token
-- lives minutes, so this is when the device was last seen, to within one).
ALTER TABLE sessions ADD COLUMN device_name TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;
