-- Whether the public may find a record follows from other records (src/visibility.rs): an item's
-- exempt ground, meeting and issue decide what of its decisions, actions and documents the public
-- may find, and whether its issue (old and new) is public at all. So a release, a move to another
-- meeting or issue, or a removal re-indexes everything it decides. (An issue's own documents
-- follow their issue: the indexer re-reads them whenever it re-reads an issue.)
CREATE FUNCTION search_log_item_visibility() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO search_changes (kind, record_id)
            SELECT 'decision', id FROM decisions WHERE item_id = NEW.id ORDER BY id;
        INSERT INTO search_changes (kind, record_id)
            SELECT 'action', id FROM actions WHERE item_id = NEW.id ORDER BY id;
        INSERT INTO search_changes (kind, record_id)
            SELECT 'document', id FROM documents WHERE item_id = NEW.id ORDER BY id;
        IF NEW.issue_id IS NOT NULL AND NEW.issue_id IS DISTINCT FROM OLD.issue_id THEN
            INSERT INTO search_changes (kind, record_id) VALUES ('issue', NEW.issue_id);
        END IF;
    END IF;
    IF OLD.issue_id IS NOT NULL THEN
        INSERT INTO search_changes (kind, record_id) VALUES ('issue', OLD.issue_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_item_visibility AFTER UPDATE OF exempt_ground, issue_id, meeting_id ON agenda_items
    FOR EACH ROW EXECUTE FUNCTION search_log_item_visibility();
CREATE TRIGGER search_item_gone AFTER DELETE ON agenda_items
    FOR EACH ROW EXECUTE FUNCTION search_log_item_visibility();
