-- Every integer column is a BIGINT here, as SQLite's INTEGER is 64-bit:
-- `guest` was the one INTEGER, which the Any driver could not read as i64
-- without a CAST in every query. tests/schema.rs keeps the two sets alike.
ALTER TABLE users ALTER COLUMN guest TYPE BIGINT;
