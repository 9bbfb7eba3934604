-- Users' public keys (RSA-OAEP-SHA256, SPKI DER), made on their devices. The
-- private halves never reach the server.
CREATE TABLE public_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    key_id TEXT NOT NULL,
    spki BYTEA NOT NULL,
    algorithm TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key_id)
);
