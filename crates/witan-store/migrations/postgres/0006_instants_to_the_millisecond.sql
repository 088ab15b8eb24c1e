-- Instants are kept to the millisecond, as SQLite keeps them (its text has at most three decimals),
-- so that `witan copy` moves a store between the backends and back without changing a value. The
-- trigger that names a meeting's start is set aside while its column changes type.
DROP TRIGGER search_meeting_updated ON meetings;
ALTER TABLE actions ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE agenda_items ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE audit_log ALTER COLUMN at TYPE timestamptz(3);
ALTER TABLE committees ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE decisions ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE documents ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE escalations ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE forward_plan ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE import_sources ALTER COLUMN imported_at TYPE timestamptz(3);
ALTER TABLE issues ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE login_failures ALTER COLUMN at TYPE timestamptz(3);
ALTER TABLE meetings ALTER COLUMN starts_at TYPE timestamptz(3), ALTER COLUMN ends_at TYPE timestamptz(3), ALTER COLUMN agenda_published_at TYPE timestamptz(3), ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE organisations ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE people ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE search_readers ALTER COLUMN seen TYPE timestamptz(3);
ALTER TABLE sessions ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN expires_at TYPE timestamptz(3);
ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz(3), ALTER COLUMN updated_at TYPE timestamptz(3);
CREATE TRIGGER search_meeting_updated AFTER UPDATE OF starts_at, committee_id, status ON meetings
    FOR EACH ROW EXECUTE FUNCTION search_log_meeting();
