-- The forward plan: notice of key decisions to be taken.
CREATE TABLE forward_plan (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    decision_maker_id INTEGER NOT NULL REFERENCES committees (id),
    issue_id INTEGER REFERENCES issues (id),
    published_on TEXT NOT NULL,
    expected_on TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (expected_on >= published_on)
);
CREATE INDEX forward_plan_by_expected ON forward_plan (expected_on);
