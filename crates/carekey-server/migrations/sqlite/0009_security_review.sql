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
