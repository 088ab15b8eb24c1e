-- Whether the public may find a record follows from other records (src/visibility.rs): an item's
-- exempt ground, meeting and issue decide what of its decisions, actions and documents the public
-- may find, and whether its issue (old and new) is public at all. So a release, a move to another
-- meeting or issue, or a removal re-indexes everything it decides. (An issue's own documents
-- follow their issue: the indexer re-reads them whenever it re-reads an issue.)
CREATE TRIGGER search_item_visibility AFTER UPDATE OF exempt_ground, issue_id, meeting_id ON agenda_items
BEGIN
    INSERT INTO search_changes (kind, record_id)
        SELECT 'decision', id FROM decisions WHERE item_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'action', id FROM actions WHERE item_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'document', id FROM documents WHERE item_id = NEW.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'issue', OLD.issue_id WHERE OLD.issue_id IS NOT NULL;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'issue', NEW.issue_id
        WHERE NEW.issue_id IS NOT NULL AND NEW.issue_id IS NOT OLD.issue_id;
END;

CREATE TRIGGER search_item_gone AFTER DELETE ON agenda_items WHEN OLD.issue_id IS NOT NULL
BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('issue', OLD.issue_id);
END;
