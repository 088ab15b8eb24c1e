-- Accounts of the people who sign in to the workspace, their sessions, failed sign-ins (for rate
-- limiting across every process sharing the database), and the audit log of every change.

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'clerk', 'member', 'officer')),
    organisation_id bigint REFERENCES organisations (id),
    -- An argon2id PHC string: the password itself is never stored.
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'clerk' OR organisation_id IS NOT NULL)
);

-- A session is found by the SHA-256 of its cookie's token, so a copy of the database does not
-- hold tokens that sign anyone in.
CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Every change made through the workspace or the command line: who, when, what, before and
-- after (JSON, kept exactly as written). Rows are only ever added; the triggers refuse any change
-- or removal, whatever SQL reaches them.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    by_whom text NOT NULL,
    action text NOT NULL,
    record_kind text NOT NULL,
    record_id bigint NOT NULL,
    before_json json,
    after_json json
);
CREATE INDEX audit_log_by_record ON audit_log (record_kind, record_id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'witan: the audit log cannot be changed';
END
$$;
CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_is_not_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
