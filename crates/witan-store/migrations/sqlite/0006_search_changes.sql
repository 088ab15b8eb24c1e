-- A log of changes to searchable records: the search index replays it in order (delete, then add
-- the record as it now stands) and remembers the last sequence number it applied. The writer logs
-- the records it inserts, in the same batched INSERTs as the records themselves (a trigger per
-- inserted row doubled the time of a bulk load); the triggers below log every update and delete,
-- whoever makes them. Sequence numbers only grow: pruning always keeps the latest row, so
-- the next is one more than it (cheaper than AUTOINCREMENT, which costs a write per insert).
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('item', 'issue', 'decision', 'action', 'document')),
    record_id INTEGER NOT NULL
);

CREATE TRIGGER search_item_updated AFTER UPDATE ON agenda_items
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('item', NEW.id); END;
CREATE TRIGGER search_item_deleted AFTER DELETE ON agenda_items
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('item', OLD.id); END;

CREATE TRIGGER search_minutes_updated AFTER UPDATE ON item_minutes
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('item', NEW.item_id); END;

CREATE TRIGGER search_issue_updated AFTER UPDATE ON issues
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('issue', NEW.id); END;
CREATE TRIGGER search_issue_deleted AFTER DELETE ON issues
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('issue', OLD.id); END;

CREATE TRIGGER search_decision_updated AFTER UPDATE ON decisions
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('decision', NEW.id); END;
CREATE TRIGGER search_decision_deleted AFTER DELETE ON decisions
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('decision', OLD.id); END;

CREATE TRIGGER search_action_updated AFTER UPDATE ON actions
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('action', NEW.id); END;
CREATE TRIGGER search_action_deleted AFTER DELETE ON actions
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('action', OLD.id); END;

CREATE TRIGGER search_document_updated AFTER UPDATE ON documents
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('document', NEW.id); END;
CREATE TRIGGER search_document_deleted AFTER DELETE ON documents
BEGIN INSERT INTO search_changes (kind, record_id) VALUES ('document', OLD.id); END;

-- A meeting's date, committee or status decides how everything recorded at it is found (and
-- whether the public may find it), so a change to the meeting touches all of that.
CREATE TRIGGER search_meeting_updated AFTER UPDATE OF starts_at, committee_id, status ON meetings
BEGIN
    INSERT INTO search_changes (kind, record_id)
        SELECT 'item', id FROM agenda_items WHERE meeting_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'decision', d.id FROM decisions d JOIN agenda_items i ON i.id = d.item_id
        WHERE i.meeting_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'action', id FROM actions WHERE meeting_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'document', d.id FROM documents d JOIN agenda_items i ON i.id = d.item_id
        WHERE i.meeting_id = NEW.id;
END;
