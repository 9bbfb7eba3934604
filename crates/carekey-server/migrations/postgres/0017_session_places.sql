-- Where a session's login came from (issue 16): the network address that
-- started it, shown to the account's owner only as the city and country a
-- local places database gives (ip_places_database), and only if one is set.
ALTER TABLE sessions ADD COLUMN login_ip TEXT;
