-- An escalation arrives as a proposal that a clerk of the receiving committee accepts onto a
-- meeting of their choosing or declines with a reason; sending no longer puts anything on another
-- committee's agenda. The states become pending, accepted, declined and considered, and a declined
-- escalation keeps its reason. SQLite cannot change a table's CHECK constraints, so the table is
-- rebuilt (nothing refers to escalations, so dropping the old one breaks no reference); escalations
-- that were sent are pending, and those a meeting already had on its agenda are accepted.
CREATE TABLE escalations_answered (
    id INTEGER PRIMARY KEY,
    from_item_id INTEGER NOT NULL REFERENCES agenda_items (id),
    to_committee_id INTEGER NOT NULL REFERENCES committees (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'considered')),
    target_item_id INTEGER UNIQUE REFERENCES agenda_items (id),
    considered_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    decline_reason TEXT,
    CHECK ((state IN ('accepted', 'considered')) = (target_item_id IS NOT NULL)),
    CHECK ((state = 'declined') = (decline_reason IS NOT NULL)),
    CHECK ((state = 'considered') = (considered_on IS NOT NULL))
);

INSERT INTO escalations_answered (id, from_item_id, to_committee_id, reason, state, target_item_id,
                                  considered_on, created_at, updated_at)
SELECT id, from_item_id, to_committee_id, reason,
       CASE state WHEN 'sent' THEN 'pending' WHEN 'scheduled' THEN 'accepted' ELSE state END,
       target_item_id, considered_on, created_at, updated_at
FROM escalations;

DROP TABLE escalations;
ALTER TABLE escalations_answered RENAME TO escalations;
CREATE INDEX escalations_from_item ON escalations (from_item_id);
CREATE INDEX escalations_to_committee ON escalations (to_committee_id, state);
