-- What an operator does to accounts (issue 14). `disabled_at`: when an
-- operator disabled the account; while set, no session opens and none
-- answers. `operator_actions` is the operators' own audit: it names the
-- account by id only and has no reference to `users`, so that it outlives
-- a deleted account without keeping who the person was.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

CREATE TABLE operator_actions (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    user_id TEXT,
    detail TEXT
);

CREATE INDEX operator_actions_of ON operator_actions (user_id, at);
