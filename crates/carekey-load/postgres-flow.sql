-- pgbench script: the database work of one full CareKey login (count the send
-- limits, store the request and its message, redeem the code into a session,
-- forget the sent message), without the server. It tells how many logins per
-- second the PostgreSQL under test can take at all. Run by bench.sh against a
-- database with CareKey's schema and 16 users u1..u16. (pgbench replaces a
-- colon and a name even inside quotes: the literals avoid that shape.)
\set u random(1, 16)
\set r random(1, 1000000000)
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO rate_counters (key, window_start, count)
    VALUES ('send-ip-127.0.0.1', 0, 1), ('send-id-email-u' || (:u)::text, 0, 1)
    ON CONFLICT (key) DO UPDATE SET count = rate_counters.count + 1;
COMMIT;
WITH request AS (
    INSERT INTO auth_requests (id, flavor, contact_kind, contact, user_id, code_hash, code_expires_at,
                               expires_at, resend_after, sends, status, created_at)
    SELECT 'r' || (:r)::text || '-' || (:client_id)::text, 'native', 'email',
           'u' || (:u)::text || '@bench.test',
           (SELECT id FROM users WHERE email = 'u' || (:u)::text || '@bench.test'),
           sha256('code'::bytea), 9e15, 9e15, 0, 1, 'pending', 0
    RETURNING id)
INSERT INTO message_jobs (id, transport, sealed_body, status, run_at, created_at, locked_until, attempts)
SELECT 'j' || id, 'outbox', repeat('x', 600)::bytea, 'pending', 0, 0, 1, 1 FROM request;
WITH done AS (
    UPDATE auth_requests SET status = 'completed', completed_at = 1, code_hash = NULL,
                             session_id = 's' || (:r)::text || '-' || (:client_id)::text
    WHERE id = 'r' || (:r)::text || '-' || (:client_id)::text RETURNING user_id, session_id),
opened AS (INSERT INTO sessions (id, user_id, created_at)
           SELECT session_id, user_id, 0 FROM done RETURNING id)
INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at)
SELECT sha256(id::bytea), id, 0, 9e15 FROM opened;
DELETE FROM message_jobs WHERE id = 'jr' || (:r)::text || '-' || (:client_id)::text;
