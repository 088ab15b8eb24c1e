-- witan's records on SQLite. Append-only: never edit a migration that has shipped; add a new one.
-- Instants are RFC 3339 UTC text ("2016-04-14T09:00:00Z"), dates ISO text ("2016-04-14"), so that
-- text order is time order.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE committees (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    joint INTEGER NOT NULL CHECK (joint IN (0, 1)),
    parent_id INTEGER REFERENCES committees (id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE committee_owners (
    committee_id INTEGER NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (committee_id, organisation_id)
);
CREATE INDEX committee_owners_by_organisation ON committee_owners (organisation_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    job_title TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    committee_id INTEGER NOT NULL REFERENCES committees (id),
    role TEXT NOT NULL,
    from_date TEXT NOT NULL,
    until_date TEXT,
    CHECK (until_date IS NULL OR until_date >= from_date)
);
CREATE INDEX memberships_by_committee ON memberships (committee_id);
CREATE INDEX memberships_by_person ON memberships (person_id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    location TEXT,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'agenda_published', 'held', 'minutes_draft',
                                           'minutes_signed_off', 'cancelled')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX meetings_by_committee ON meetings (committee_id, starts_at);
CREATE INDEX meetings_by_start ON meetings (starts_at);

CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX attendance_by_person ON attendance (person_id);

CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    reference TEXT UNIQUE,
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    position INTEGER NOT NULL CHECK (position >= 1),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    issue_id INTEGER REFERENCES issues (id),
    exempt_ground TEXT,
    exempt_review_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (meeting_id, number),
    CHECK (exempt_review_on IS NULL OR exempt_ground IS NOT NULL)
);
CREATE INDEX agenda_items_by_issue ON agenda_items (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE declarations (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    item_id INTEGER REFERENCES agenda_items (id),
    kind TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX declarations_by_meeting ON declarations (meeting_id);

-- The minutes of an item, one row per version of the meeting's minutes. A version that has been
-- signed off is locked: the triggers below refuse to change or remove it, whatever the caller.
CREATE TABLE item_minutes (
    item_id INTEGER NOT NULL REFERENCES agenda_items (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    text TEXT NOT NULL,
    resolution_points TEXT NOT NULL, -- JSON array of strings
    resolution_text TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE minutes_sign_offs (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    signed_by TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    signed_on TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (meeting_id, version),
    CHECK (version = 1 OR reason IS NOT NULL)
);

CREATE TRIGGER item_minutes_locked_on_insert BEFORE INSERT ON item_minutes
WHEN NEW.version <= (SELECT COALESCE(MAX(s.version), 0) FROM minutes_sign_offs s
                     JOIN agenda_items i ON i.meeting_id = s.meeting_id WHERE i.id = NEW.item_id)
BEGIN
    SELECT RAISE(ABORT, 'witan: minutes locked: this version is signed off');
END;

CREATE TRIGGER item_minutes_locked_on_update BEFORE UPDATE ON item_minutes
WHEN OLD.version <= (SELECT COALESCE(MAX(s.version), 0) FROM minutes_sign_offs s
                     JOIN agenda_items i ON i.meeting_id = s.meeting_id WHERE i.id = OLD.item_id)
BEGIN
    SELECT RAISE(ABORT, 'witan: minutes locked: this version is signed off');
END;

CREATE TRIGGER item_minutes_locked_on_delete BEFORE DELETE ON item_minutes
WHEN OLD.version <= (SELECT COALESCE(MAX(s.version), 0) FROM minutes_sign_offs s
                     JOIN agenda_items i ON i.meeting_id = s.meeting_id WHERE i.id = OLD.item_id)
BEGIN
    SELECT RAISE(ABORT, 'witan: minutes locked: this version is signed off');
END;

CREATE TRIGGER minutes_sign_offs_are_permanent_update BEFORE UPDATE ON minutes_sign_offs
BEGIN
    SELECT RAISE(ABORT, 'witan: minutes locked: a sign-off cannot be changed');
END;

CREATE TRIGGER minutes_sign_offs_are_permanent_delete BEFORE DELETE ON minutes_sign_offs
BEGIN
    SELECT RAISE(ABORT, 'witan: minutes locked: a sign-off cannot be removed');
END;

CREATE TRIGGER minutes_sign_off_needs_a_held_meeting BEFORE INSERT ON minutes_sign_offs
WHEN (SELECT status FROM meetings WHERE id = NEW.meeting_id) IN ('scheduled', 'agenda_published', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'witan: only the minutes of a held meeting can be signed off');
END;

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    item_id INTEGER REFERENCES agenda_items (id),
    issue_id INTEGER REFERENCES issues (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    exempt_ground TEXT,
    exempt_review_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (item_id IS NOT NULL OR issue_id IS NOT NULL)
);
CREATE INDEX documents_by_item ON documents (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX documents_by_issue ON documents (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER REFERENCES agenda_items (id),
    maker_committee_id INTEGER REFERENCES committees (id),
    maker_person_id INTEGER REFERENCES people (id),
    decided_on TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    key_decision INTEGER NOT NULL CHECK (key_decision IN (0, 1)),
    call_in_deadline TEXT,
    status TEXT NOT NULL CHECK (status IN ('made', 'called_in', 'implemented', 'rescinded')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((maker_committee_id IS NULL) <> (maker_person_id IS NULL)),
    CHECK (call_in_deadline IS NULL OR call_in_deadline >= decided_on)
);
CREATE INDEX decisions_by_item ON decisions (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX decisions_by_date ON decisions (decided_on);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    item_id INTEGER REFERENCES agenda_items (id),
    description TEXT NOT NULL,
    owner_person_id INTEGER REFERENCES people (id),
    owner_organisation_id INTEGER REFERENCES organisations (id),
    due_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    rag TEXT NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    closed_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (owner_person_id IS NULL OR owner_organisation_id IS NULL),
    CHECK ((status = 'open') = (closed_on IS NULL))
);
CREATE INDEX actions_by_meeting ON actions (meeting_id);
CREATE INDEX actions_open ON actions (status) WHERE status = 'open';

CREATE TABLE action_updates (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    on_date TEXT NOT NULL,
    text TEXT NOT NULL,
    rag TEXT CHECK (rag IS NULL OR rag IN ('red', 'amber', 'green'))
);
CREATE INDEX action_updates_by_action ON action_updates (action_id);

CREATE TABLE escalations (
    id INTEGER PRIMARY KEY,
    from_item_id INTEGER NOT NULL REFERENCES agenda_items (id),
    to_committee_id INTEGER NOT NULL REFERENCES committees (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sent', 'scheduled', 'considered')),
    target_item_id INTEGER UNIQUE REFERENCES agenda_items (id),
    considered_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((state = 'sent') = (target_item_id IS NULL)),
    CHECK ((state = 'considered') = (considered_on IS NOT NULL))
);
CREATE INDEX escalations_from_item ON escalations (from_item_id);
CREATE INDEX escalations_to_committee ON escalations (to_committee_id, state);
