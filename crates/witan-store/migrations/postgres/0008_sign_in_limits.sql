-- Sign-in limits by client address as well as by account, and sessions that end when left idle.
--
-- A failed sign-in or password check now remembers the address it came from (IPv6 addresses by
-- their /64), so that one address can be held to a budget across every account and a stranger's
-- guesses do not lock the account's owner out. Failures recorded before this change have no
-- address; they still count for their account.
ALTER TABLE login_failures ADD COLUMN address text NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_address ON login_failures (address, at);

-- When the session was last used, to the minute or so: a session unused for long ends even
-- before its absolute expiry. Sessions from before this change count as seen when they began.
ALTER TABLE sessions ADD COLUMN seen_at timestamptz(3);
UPDATE sessions SET seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN seen_at SET NOT NULL;
