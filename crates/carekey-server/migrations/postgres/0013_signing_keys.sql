-- The keys that sign access tokens, so that they can be rotated while
-- servers run (issue 14): a new key is published in the JWKS before it
-- signs (`signs_from`), and an old one stays until every token it signed
-- has expired (`retire_after`). The first start after this migration
-- moves the one key kept until now (`server_secrets.jwt_ed25519_pkcs8`)
-- here.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    pkcs8 BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    signs_from BIGINT NOT NULL,
    retire_after BIGINT
);
