-- The clean-up looks for abandoned guests every minute, and for each asks
-- whether any of its sessions still holds a live refresh token, then deletes
-- its sessions and tokens (as closing a guest does): these keep that to the
-- guest's own rows instead of scanning every account, session and token.
CREATE INDEX users_guests ON users (created_at) WHERE guest = 1;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
