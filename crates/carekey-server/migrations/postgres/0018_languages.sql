-- Each person's language (issue 17): a tag of the server's catalogs ('fr',
-- 'nl', 'id'), set at registration from the app's language and changed from
-- the app's settings; NULL: the server's default language. Messages that no
-- request asked for (notices, the account's deletion) are written in it.
ALTER TABLE users ADD COLUMN language TEXT;
-- The language a start asked for: its code message, a resent one and its
-- link's page are written in it.
ALTER TABLE auth_requests ADD COLUMN language TEXT;
-- The same for a WhatsApp login waiting for the person's message: the reply
-- in the chat is written in it.
ALTER TABLE whatsapp_requests ADD COLUMN language TEXT;
