-- A log of changes to searchable records: the search index replays it in order (delete, then add
-- the record as it now stands) and remembers the last sequence number it applied. The triggers
-- below log every insert, update and delete, whoever makes them; inserts, updates and deletes are
-- logged once per statement from its transition table, so a batched insert of many rows costs one
-- more statement, not one per row.
--
-- Sequence numbers only grow. witan's writers take the store's write lock before they write (see
-- src/postgres/write.rs), so numbers are handed out in the order units of work commit, and an
-- indexer that has applied number n will never see a smaller one appear later.
CREATE TABLE search_changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('item', 'issue', 'decision', 'action', 'document')),
    record_id bigint NOT NULL
);

-- Logs the rows of the transition table `changed` as changes to records of kind TG_ARGV[0].
CREATE FUNCTION search_log_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_changes (kind, record_id)
        SELECT TG_ARGV[0], id FROM changed ORDER BY id;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_item_inserted AFTER INSERT ON agenda_items
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('item');
CREATE TRIGGER search_item_updated AFTER UPDATE ON agenda_items
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('item');
CREATE TRIGGER search_item_deleted AFTER DELETE ON agenda_items
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('item');

CREATE TRIGGER search_issue_inserted AFTER INSERT ON issues
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('issue');
CREATE TRIGGER search_issue_updated AFTER UPDATE ON issues
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('issue');
CREATE TRIGGER search_issue_deleted AFTER DELETE ON issues
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('issue');

CREATE TRIGGER search_decision_inserted AFTER INSERT ON decisions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('decision');
CREATE TRIGGER search_decision_updated AFTER UPDATE ON decisions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('decision');
CREATE TRIGGER search_decision_deleted AFTER DELETE ON decisions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('decision');

CREATE TRIGGER search_action_inserted AFTER INSERT ON actions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('action');
CREATE TRIGGER search_action_updated AFTER UPDATE ON actions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('action');
CREATE TRIGGER search_action_deleted AFTER DELETE ON actions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('action');

CREATE TRIGGER search_document_inserted AFTER INSERT ON documents
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('document');
CREATE TRIGGER search_document_updated AFTER UPDATE ON documents
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('document');
CREATE TRIGGER search_document_deleted AFTER DELETE ON documents
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_changed('document');

-- Minutes are part of their item's entry.
CREATE FUNCTION search_log_minutes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_changes (kind, record_id)
        SELECT 'item', item_id FROM changed ORDER BY item_id, version;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_minutes_inserted AFTER INSERT ON item_minutes
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_minutes();
CREATE TRIGGER search_minutes_updated AFTER UPDATE ON item_minutes
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_log_minutes();

-- A meeting's date, committee or status decides how everything recorded at it is found (and
-- whether the public may find it), so a change to the meeting touches all of that, including
-- the issues whose entry takes its date and committee from their latest public item.
CREATE FUNCTION search_log_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_changes (kind, record_id)
        SELECT 'item', id FROM agenda_items WHERE meeting_id = NEW.id ORDER BY id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'decision', d.id FROM decisions d JOIN agenda_items i ON i.id = d.item_id
        WHERE i.meeting_id = NEW.id ORDER BY d.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'action', id FROM actions WHERE meeting_id = NEW.id ORDER BY id;
    INSERT INTO search_changes (kind, record_id)
        SELECT 'document', d.id FROM documents d JOIN agenda_items i ON i.id = d.item_id
        WHERE i.meeting_id = NEW.id ORDER BY d.id;
    INSERT INTO search_changes (kind, record_id)
        SELECT DISTINCT 'issue', issue_id FROM agenda_items
        WHERE meeting_id = NEW.id AND issue_id IS NOT NULL ORDER BY 2;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_meeting_updated AFTER UPDATE OF starts_at, committee_id, status ON meetings
    FOR EACH ROW EXECUTE FUNCTION search_log_meeting();
