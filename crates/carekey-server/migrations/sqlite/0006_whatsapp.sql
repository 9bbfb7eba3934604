-- How a request's code travels when not by its address's own channel
-- ('whatsapp' for a phone number); NULL: email or SMS, as the address.
ALTER TABLE auth_requests ADD COLUMN channel TEXT;

-- "Log in with WhatsApp": a device's request waiting for the person to send
-- the prepared message. The reference in the message binds the sender's
-- number to this device (its verifier challenge); nothing else is created
-- until a message with a valid reference arrives.
CREATE TABLE whatsapp_requests (
    reference TEXT PRIMARY KEY,
    device_challenge TEXT NOT NULL,
    registration TEXT,
    origin_device TEXT,
    origin_ip TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Set once, by the first message that carries the reference.
    bound_at INTEGER,
    request_id TEXT,
    -- When the login could not start (limits, lockout): the error's code
    -- and, for limits, when to try again.
    refusal TEXT,
    retry_after INTEGER
) WITHOUT ROWID;

-- Messages the webhook has handled, by WhatsApp's message id: Meta delivers
-- again whatever it thinks was not received, and a message acts once.
CREATE TABLE whatsapp_messages (
    id TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;
