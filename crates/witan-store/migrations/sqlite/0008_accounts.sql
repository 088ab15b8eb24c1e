-- Accounts of the people who sign in to the workspace, their sessions, failed sign-ins (for rate
-- limiting across every process sharing the database), and the audit log of every change.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'clerk', 'member', 'officer')),
    organisation_id INTEGER REFERENCES organisations (id),
    -- An argon2id PHC string: the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (role <> 'clerk' OR organisation_id IS NOT NULL)
);

-- A session is found by the SHA-256 of its cookie's token, so a copy of the database does not
-- hold tokens that sign anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);

-- Every change made through the workspace or the command line: who, when, what, before and
-- after. Rows are only ever added; the triggers refuse any change or removal, whatever SQL
-- reaches them.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_by_record ON audit_log (record_kind, record_id);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'witan: the audit log cannot be changed');
END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'witan: the audit log cannot be changed');
END;
