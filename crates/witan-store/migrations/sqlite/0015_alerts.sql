-- Following: people who asked to be told by email when something changes, what they follow,
-- the changes waiting for their message, and the messages waiting to be sent.
--
-- A subscriber is an email address with a private token that every message's management link
-- carries (so the token is kept as it is: each message must be able to carry it). Each thing
-- followed is confirmed from the address itself; nothing but the confirmation is sent for a
-- subscription until it is.
CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    confirmed_at TEXT,
    created_at TEXT NOT NULL
);

-- What a subscriber follows: a committee (by slug), an issue or a person (by id), or a saved
-- search (the search's query string).
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('committee', 'issue', 'person', 'search')),
    target TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 400),
    label TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    UNIQUE (subscriber_id, target_kind, target)
);
CREATE INDEX subscriptions_by_target ON subscriptions (target_kind, target);

-- Public changes matched to a subscription, waiting for the message (at once or in a digest)
-- that will tell of them. One row per subscription and record, however often it changed.
CREATE TABLE alert_pending (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, kind, record_id)
) WITHOUT ROWID;

-- Messages to send, kept until sent: nothing is lost when the mail server is down or witan
-- restarts, and a message claimed by one process is not sent by another.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('confirm', 'alert', 'digest')),
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    manage_url TEXT,
    message_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);

-- When each frequency's messages were last made, so a digest collects what happened since.
CREATE TABLE alert_runs (
    frequency TEXT PRIMARY KEY CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    at TEXT NOT NULL
);
