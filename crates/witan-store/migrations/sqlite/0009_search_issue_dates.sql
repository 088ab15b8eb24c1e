-- An issue's search entry takes its date and committee from its latest item on a meeting whose
-- agenda is public, so a change of a meeting's status or date re-indexes the issues on it too.
DROP TRIGGER search_meeting_updated;
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
    INSERT INTO search_changes (kind, record_id)
        SELECT DISTINCT 'issue', issue_id FROM agenda_items
        WHERE meeting_id = NEW.id AND issue_id IS NOT NULL;
END;
