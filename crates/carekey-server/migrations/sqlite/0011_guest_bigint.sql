-- PostgreSQL's users.guest becomes a BIGINT (its 0011); SQLite's INTEGER is
-- already 64-bit, so nothing changes here. Kept so that both sets number
-- their migrations alike.
SELECT 1;
