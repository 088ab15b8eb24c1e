-- witan's records on PostgreSQL. Append-only: never edit a migration that has shipped; add a new
-- one. This schema starts where the SQLite one stands after its migration 0009; it keeps the same
-- tables, columns and words, in PostgreSQL's own types: bigint identities, timestamptz for
-- instants, date for dates, boolean for flags. Every statement runs in the schema the connection's
-- search_path names, so that several stores can share one database.

CREATE TABLE organisations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE committees (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    purpose text NOT NULL DEFAULT '',
    joint boolean NOT NULL,
    parent_id bigint REFERENCES committees (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX committees_by_parent ON committees (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE committee_owners (
    committee_id bigint NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (committee_id, organisation_id)
);
CREATE INDEX committee_owners_by_organisation ON committee_owners (organisation_id);

CREATE TABLE people (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    job_title text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES people (id),
    committee_id bigint NOT NULL REFERENCES committees (id),
    role text NOT NULL,
    from_date date NOT NULL,
    until_date date,
    CHECK (until_date IS NULL OR until_date >= from_date)
);
CREATE INDEX memberships_by_committee ON memberships (committee_id);
CREATE INDEX memberships_by_person ON memberships (person_id);

CREATE TABLE meetings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    committee_id bigint NOT NULL REFERENCES committees (id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    location text,
    status text NOT NULL CHECK (status IN ('scheduled', 'agenda_published', 'held', 'minutes_draft',
                                           'minutes_signed_off', 'cancelled')),
    -- When the agenda was published, for "recently published agendas".
    agenda_published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX meetings_by_committee ON meetings (committee_id, starts_at);
CREATE INDEX meetings_by_start ON meetings (starts_at);
CREATE INDEX meetings_by_agenda_published ON meetings (agenda_published_at)
    WHERE agenda_published_at IS NOT NULL;

CREATE TABLE attendance (
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id),
    kind text NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX attendance_by_person ON attendance (person_id);

CREATE TABLE issues (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    reference text UNIQUE,
    summary text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agenda_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES meetings (id),
    position integer NOT NULL CHECK (position >= 1),
    number text NOT NULL,
    title text NOT NULL,
    issue_id bigint REFERENCES issues (id),
    exempt_ground text,
    exempt_review_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, number),
    CHECK (exempt_review_on IS NULL OR exempt_ground IS NOT NULL)
);
CREATE INDEX agenda_items_by_issue ON agenda_items (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE declarations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id),
    item_id bigint REFERENCES agenda_items (id),
    kind text NOT NULL,
    description text NOT NULL
);
CREATE INDEX declarations_by_meeting ON declarations (meeting_id);

-- The minutes of an item, one row per version of the meeting's minutes. A version that has been
-- signed off is locked: the triggers below refuse to change or remove it, whatever the caller.
CREATE TABLE item_minutes (
    item_id bigint NOT NULL REFERENCES agenda_items (id),
    version integer NOT NULL CHECK (version >= 1),
    text text NOT NULL,
    resolution_points text[] NOT NULL,
    resolution_text text NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE minutes_sign_offs (
    meeting_id bigint NOT NULL REFERENCES meetings (id),
    version integer NOT NULL CHECK (version >= 1),
    signed_by text NOT NULL,
    person_id bigint REFERENCES people (id),
    signed_on date NOT NULL,
    reason text,
    PRIMARY KEY (meeting_id, version),
    CHECK (version = 1 OR reason IS NOT NULL)
);

-- The latest signed-off version of the minutes of the meeting an item is on (0 if none).
CREATE FUNCTION signed_off_version(item bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(MAX(s.version), 0) FROM minutes_sign_offs s
    JOIN agenda_items i ON i.meeting_id = s.meeting_id WHERE i.id = item
$$;

CREATE FUNCTION item_minutes_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.version <= signed_off_version(OLD.item_id) THEN
        RAISE EXCEPTION 'witan: minutes locked: this version is signed off';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.version <= signed_off_version(NEW.item_id) THEN
        RAISE EXCEPTION 'witan: minutes locked: this version is signed off';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER item_minutes_locked BEFORE INSERT OR UPDATE OR DELETE ON item_minutes
    FOR EACH ROW EXECUTE FUNCTION item_minutes_locked();

-- TRUNCATE skips row triggers, so it is refused outright once anything is signed off.
CREATE FUNCTION item_minutes_not_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM minutes_sign_offs) THEN
        RAISE EXCEPTION 'witan: minutes locked: signed-off minutes cannot be removed';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER item_minutes_not_truncated BEFORE TRUNCATE ON item_minutes
    FOR EACH STATEMENT EXECUTE FUNCTION item_minutes_not_truncated();

CREATE FUNCTION minutes_sign_offs_are_permanent() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'witan: minutes locked: a sign-off cannot be changed';
    END IF;
    RAISE EXCEPTION 'witan: minutes locked: a sign-off cannot be removed';
END
$$;
CREATE TRIGGER minutes_sign_offs_are_permanent BEFORE UPDATE OR DELETE ON minutes_sign_offs
    FOR EACH ROW EXECUTE FUNCTION minutes_sign_offs_are_permanent();
CREATE TRIGGER minutes_sign_offs_are_not_truncated BEFORE TRUNCATE ON minutes_sign_offs
    FOR EACH STATEMENT EXECUTE FUNCTION minutes_sign_offs_are_permanent();

CREATE FUNCTION minutes_sign_off_needs_a_held_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM meetings WHERE id = NEW.meeting_id)
           IN ('scheduled', 'agenda_published', 'cancelled') THEN
        RAISE EXCEPTION 'witan: only the minutes of a held meeting can be signed off';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER minutes_sign_off_needs_a_held_meeting BEFORE INSERT ON minutes_sign_offs
    FOR EACH ROW EXECUTE FUNCTION minutes_sign_off_needs_a_held_meeting();

CREATE TABLE documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint REFERENCES agenda_items (id),
    issue_id bigint REFERENCES issues (id),
    name text NOT NULL,
    media_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    -- A document known only from a link in published minutes has no digest until it is
    -- fetched: '' stands for "not retrieved".
    sha256 text NOT NULL,
    text text NOT NULL,
    exempt_ground text,
    exempt_review_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (item_id IS NOT NULL OR issue_id IS NOT NULL),
    CHECK (exempt_review_on IS NULL OR exempt_ground IS NOT NULL)
);
CREATE INDEX documents_by_item ON documents (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX documents_by_issue ON documents (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE decisions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint REFERENCES agenda_items (id),
    maker_committee_id bigint REFERENCES committees (id),
    maker_person_id bigint REFERENCES people (id),
    decided_on date NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    key_decision boolean NOT NULL,
    call_in_deadline date,
    status text NOT NULL CHECK (status IN ('made', 'called_in', 'implemented', 'rescinded')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((maker_committee_id IS NULL) <> (maker_person_id IS NULL)),
    CHECK (call_in_deadline IS NULL OR call_in_deadline >= decided_on)
);
CREATE INDEX decisions_by_item ON decisions (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX decisions_by_date ON decisions (decided_on);

CREATE TABLE actions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES meetings (id),
    item_id bigint REFERENCES agenda_items (id),
    description text NOT NULL,
    owner_person_id bigint REFERENCES people (id),
    owner_organisation_id bigint REFERENCES organisations (id),
    due_on date,
    status text NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    rag text NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    closed_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (owner_person_id IS NULL OR owner_organisation_id IS NULL),
    CHECK ((status = 'open') = (closed_on IS NULL))
);
CREATE INDEX actions_by_meeting ON actions (meeting_id);
-- Item pages load the actions raised on their items.
CREATE INDEX actions_by_item ON actions (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX actions_by_owner ON actions (owner_person_id) WHERE owner_person_id IS NOT NULL;
CREATE INDEX actions_open ON actions (status) WHERE status = 'open';

CREATE TABLE action_updates (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id bigint NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    on_date date NOT NULL,
    text text NOT NULL,
    rag text CHECK (rag IS NULL OR rag IN ('red', 'amber', 'green'))
);
CREATE INDEX action_updates_by_action ON action_updates (action_id);

CREATE TABLE escalations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_item_id bigint NOT NULL REFERENCES agenda_items (id),
    to_committee_id bigint NOT NULL REFERENCES committees (id),
    reason text NOT NULL,
    state text NOT NULL CHECK (state IN ('sent', 'scheduled', 'considered')),
    target_item_id bigint UNIQUE REFERENCES agenda_items (id),
    considered_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'sent') = (target_item_id IS NULL)),
    CHECK ((state = 'considered') = (considered_on IS NOT NULL))
);
CREATE INDEX escalations_from_item ON escalations (from_item_id);
CREATE INDEX escalations_to_committee ON escalations (to_committee_id, state);

-- The forward plan: notice of key decisions to be taken.
CREATE TABLE forward_plan (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    decision_maker_id bigint NOT NULL REFERENCES committees (id),
    issue_id bigint REFERENCES issues (id),
    published_on date NOT NULL,
    expected_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (expected_on >= published_on)
);
CREATE INDEX forward_plan_by_expected ON forward_plan (expected_on);

-- A counter every committed unit of work increases, whichever process wrote it; page caches
-- compare it to know whether what they hold is still current.
CREATE TABLE store_generation (
    id integer PRIMARY KEY CHECK (id = 1),
    value bigint NOT NULL
);
INSERT INTO store_generation (id, value) VALUES (1, 0);
