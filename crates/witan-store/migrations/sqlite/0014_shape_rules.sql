-- Every length and shape rule of witan's domain types (witan_domain: Title, Text, Slug,
-- ItemNumber, the exempt ground, MediaType, Sha256, Email, the closed vocabularies) is also enforced
-- by the database, so that SQL from anywhere, a bug in a workflow included, cannot store a value the
-- domain would refuse to read back: such a value made every page, API answer and OParl object that
-- showed it fail.
--
-- SQLite cannot add a CHECK constraint to a table; a table rebuild (create, copy, drop, rename)
-- would copy every agenda item, minute and document of a large store inside the migration and has
-- to recreate each table's indexes and triggers by hand. Triggers do the same job without touching
-- the rows: one BEFORE INSERT and one BEFORE UPDATE OF the ruled columns per table, each statement
-- refusing one column with a message that names it. (PostgreSQL has the same rules as CHECK
-- constraints, migration 0010 there.) GLOB, length and json_each are all built in, so the rules
-- hold for any client of the file, not only witan. Lengths count characters for titles, slugs and
-- item numbers and bytes for texts and email addresses, as the domain does.

-- An agenda item an escalation proposed used to be titled by joining two names in SQL, which could
-- exceed the 500 characters of a title; such titles are cut to the rule, as the domain now cuts
-- them (Title::truncating), before the rule is enforced.
UPDATE agenda_items SET title = rtrim(substr(title, 1, 499)) || '…' WHERE length(title) > 500;


CREATE TRIGGER organisations_shape_on_insert BEFORE INSERT ON organisations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: organisations.slug is not a slug: 1 to 100 of a-z, 0-9 and single hyphens inside')
    WHERE NOT (length(NEW.slug) BETWEEN 1 AND 100 AND NEW.slug NOT GLOB '*[^a-z0-9-]*' AND NEW.slug NOT GLOB '-*' AND NEW.slug NOT GLOB '*-' AND NEW.slug NOT GLOB '*--*');
    SELECT RAISE(ABORT, 'witan: not valid: organisations.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: organisations.kind is not one of county_council, district_council, unitary_council, integrated_care_board, nhs_trust, clinical_commissioning_group, other')
    WHERE NOT (NEW.kind IN ('county_council', 'district_council', 'unitary_council', 'integrated_care_board', 'nhs_trust', 'clinical_commissioning_group', 'other'));
END;
CREATE TRIGGER organisations_shape_on_update BEFORE UPDATE OF slug, name, kind ON organisations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: organisations.slug is not a slug: 1 to 100 of a-z, 0-9 and single hyphens inside')
    WHERE NOT (length(NEW.slug) BETWEEN 1 AND 100 AND NEW.slug NOT GLOB '*[^a-z0-9-]*' AND NEW.slug NOT GLOB '-*' AND NEW.slug NOT GLOB '*-' AND NEW.slug NOT GLOB '*--*');
    SELECT RAISE(ABORT, 'witan: not valid: organisations.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: organisations.kind is not one of county_council, district_council, unitary_council, integrated_care_board, nhs_trust, clinical_commissioning_group, other')
    WHERE NOT (NEW.kind IN ('county_council', 'district_council', 'unitary_council', 'integrated_care_board', 'nhs_trust', 'clinical_commissioning_group', 'other'));
END;

CREATE TRIGGER committees_shape_on_insert BEFORE INSERT ON committees
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: committees.slug is not a slug: 1 to 100 of a-z, 0-9 and single hyphens inside')
    WHERE NOT (length(NEW.slug) BETWEEN 1 AND 100 AND NEW.slug NOT GLOB '*[^a-z0-9-]*' AND NEW.slug NOT GLOB '-*' AND NEW.slug NOT GLOB '*-' AND NEW.slug NOT GLOB '*--*');
    SELECT RAISE(ABORT, 'witan: not valid: committees.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: committees.purpose is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.purpose AS BLOB)) <= 1000000 AND NEW.purpose NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER committees_shape_on_update BEFORE UPDATE OF slug, name, purpose ON committees
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: committees.slug is not a slug: 1 to 100 of a-z, 0-9 and single hyphens inside')
    WHERE NOT (length(NEW.slug) BETWEEN 1 AND 100 AND NEW.slug NOT GLOB '*[^a-z0-9-]*' AND NEW.slug NOT GLOB '-*' AND NEW.slug NOT GLOB '*-' AND NEW.slug NOT GLOB '*--*');
    SELECT RAISE(ABORT, 'witan: not valid: committees.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: committees.purpose is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.purpose AS BLOB)) <= 1000000 AND NEW.purpose NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER people_shape_on_insert BEFORE INSERT ON people
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: people.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: people.job_title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.job_title IS NULL OR (length(NEW.job_title) BETWEEN 1 AND 500 AND NEW.job_title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.job_title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.job_title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
END;
CREATE TRIGGER people_shape_on_update BEFORE UPDATE OF name, job_title ON people
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: people.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: people.job_title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.job_title IS NULL OR (length(NEW.job_title) BETWEEN 1 AND 500 AND NEW.job_title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.job_title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.job_title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
END;

CREATE TRIGGER memberships_shape_on_insert BEFORE INSERT ON memberships
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: memberships.role is not one of chair, vice_chair, member, co_opted, officer')
    WHERE NOT (NEW.role IN ('chair', 'vice_chair', 'member', 'co_opted', 'officer'));
END;
CREATE TRIGGER memberships_shape_on_update BEFORE UPDATE OF role ON memberships
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: memberships.role is not one of chair, vice_chair, member, co_opted, officer')
    WHERE NOT (NEW.role IN ('chair', 'vice_chair', 'member', 'co_opted', 'officer'));
END;

CREATE TRIGGER meetings_shape_on_insert BEFORE INSERT ON meetings
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: meetings.location is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.location IS NULL OR (length(NEW.location) BETWEEN 1 AND 500 AND NEW.location NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.location NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.location NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
END;
CREATE TRIGGER meetings_shape_on_update BEFORE UPDATE OF location ON meetings
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: meetings.location is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.location IS NULL OR (length(NEW.location) BETWEEN 1 AND 500 AND NEW.location NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.location NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.location NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
END;

CREATE TRIGGER attendance_shape_on_insert BEFORE INSERT ON attendance
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: attendance.kind is not one of present, apologies, absent, in_attendance')
    WHERE NOT (NEW.kind IN ('present', 'apologies', 'absent', 'in_attendance'));
END;
CREATE TRIGGER attendance_shape_on_update BEFORE UPDATE OF kind ON attendance
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: attendance.kind is not one of present, apologies, absent, in_attendance')
    WHERE NOT (NEW.kind IN ('present', 'apologies', 'absent', 'in_attendance'));
END;

CREATE TRIGGER issues_shape_on_insert BEFORE INSERT ON issues
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: issues.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: issues.reference is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.reference IS NULL OR (length(NEW.reference) BETWEEN 1 AND 500 AND NEW.reference NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.reference NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.reference NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
    SELECT RAISE(ABORT, 'witan: not valid: issues.summary is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.summary AS BLOB)) <= 1000000 AND NEW.summary NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER issues_shape_on_update BEFORE UPDATE OF title, reference, summary ON issues
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: issues.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: issues.reference is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (NEW.reference IS NULL OR (length(NEW.reference) BETWEEN 1 AND 500 AND NEW.reference NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.reference NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.reference NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']'));
    SELECT RAISE(ABORT, 'witan: not valid: issues.summary is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.summary AS BLOB)) <= 1000000 AND NEW.summary NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER agenda_items_shape_on_insert BEFORE INSERT ON agenda_items
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.number is not an item number: 1 to 12 letters, digits and dots, starting with a letter or digit, not ending with a dot')
    WHERE NOT (length(NEW.number) BETWEEN 1 AND 12 AND NEW.number NOT GLOB '*[^A-Za-z0-9.]*' AND NEW.number NOT GLOB '.*' AND NEW.number NOT GLOB '*.');
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.exempt_ground is not an exempt ground: 12A:1 to 12A:7, or other: and a title')
    WHERE NOT (NEW.exempt_ground IS NULL OR (NEW.exempt_ground GLOB '12A:[1-7]' OR (NEW.exempt_ground GLOB 'other:*' AND length(substr(NEW.exempt_ground, 7)) BETWEEN 1 AND 500 AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']')));
END;
CREATE TRIGGER agenda_items_shape_on_update BEFORE UPDATE OF number, title, exempt_ground ON agenda_items
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.number is not an item number: 1 to 12 letters, digits and dots, starting with a letter or digit, not ending with a dot')
    WHERE NOT (length(NEW.number) BETWEEN 1 AND 12 AND NEW.number NOT GLOB '*[^A-Za-z0-9.]*' AND NEW.number NOT GLOB '.*' AND NEW.number NOT GLOB '*.');
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: agenda_items.exempt_ground is not an exempt ground: 12A:1 to 12A:7, or other: and a title')
    WHERE NOT (NEW.exempt_ground IS NULL OR (NEW.exempt_ground GLOB '12A:[1-7]' OR (NEW.exempt_ground GLOB 'other:*' AND length(substr(NEW.exempt_ground, 7)) BETWEEN 1 AND 500 AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']')));
END;

CREATE TRIGGER declarations_shape_on_insert BEFORE INSERT ON declarations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: declarations.kind is not one of disclosable_pecuniary, other_registrable, non_registrable')
    WHERE NOT (NEW.kind IN ('disclosable_pecuniary', 'other_registrable', 'non_registrable'));
    SELECT RAISE(ABORT, 'witan: not valid: declarations.description is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.description AS BLOB)) <= 1000000 AND NEW.description NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER declarations_shape_on_update BEFORE UPDATE OF kind, description ON declarations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: declarations.kind is not one of disclosable_pecuniary, other_registrable, non_registrable')
    WHERE NOT (NEW.kind IN ('disclosable_pecuniary', 'other_registrable', 'non_registrable'));
    SELECT RAISE(ABORT, 'witan: not valid: declarations.description is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.description AS BLOB)) <= 1000000 AND NEW.description NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER item_minutes_shape_on_insert BEFORE INSERT ON item_minutes
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.resolution_points is not a list of texts of at most 1,000,000 bytes each without control characters')
    WHERE NOT (json_valid(NEW.resolution_points) AND json_type(NEW.resolution_points) = 'array' AND NOT EXISTS (SELECT 1 FROM json_each(NEW.resolution_points) AS p WHERE p.type <> 'text' OR NOT (length(CAST(p.value AS BLOB)) <= 1000000 AND p.value NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*')));
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.resolution_text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.resolution_text AS BLOB)) <= 1000000 AND NEW.resolution_text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER item_minutes_shape_on_update BEFORE UPDATE OF text, resolution_points, resolution_text ON item_minutes
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.resolution_points is not a list of texts of at most 1,000,000 bytes each without control characters')
    WHERE NOT (json_valid(NEW.resolution_points) AND json_type(NEW.resolution_points) = 'array' AND NOT EXISTS (SELECT 1 FROM json_each(NEW.resolution_points) AS p WHERE p.type <> 'text' OR NOT (length(CAST(p.value AS BLOB)) <= 1000000 AND p.value NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*')));
    SELECT RAISE(ABORT, 'witan: not valid: item_minutes.resolution_text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.resolution_text AS BLOB)) <= 1000000 AND NEW.resolution_text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER minutes_sign_offs_shape_on_insert BEFORE INSERT ON minutes_sign_offs
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: minutes_sign_offs.signed_by is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.signed_by) BETWEEN 1 AND 500 AND NEW.signed_by NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.signed_by NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.signed_by NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: minutes_sign_offs.reason is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.reason IS NULL OR (length(CAST(NEW.reason AS BLOB)) <= 1000000 AND NEW.reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*'));
END;
CREATE TRIGGER minutes_sign_offs_shape_on_update BEFORE UPDATE OF signed_by, reason ON minutes_sign_offs
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: minutes_sign_offs.signed_by is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.signed_by) BETWEEN 1 AND 500 AND NEW.signed_by NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.signed_by NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.signed_by NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: minutes_sign_offs.reason is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.reason IS NULL OR (length(CAST(NEW.reason AS BLOB)) <= 1000000 AND NEW.reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*'));
END;

CREATE TRIGGER documents_shape_on_insert BEFORE INSERT ON documents
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: documents.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: documents.media_type is not a media type like application/pdf in lower case')
    WHERE NOT (NEW.media_type GLOB '?*/?*' AND NEW.media_type NOT GLOB '*/*/*' AND NEW.media_type NOT GLOB '*[^a-z0-9!#$&^_.+/-]*');
    SELECT RAISE(ABORT, 'witan: not valid: documents.sha256 is not 64 lower-case hexadecimal digits (or empty for a document not retrieved)')
    WHERE NOT (NEW.sha256 = '' OR (length(NEW.sha256) = 64 AND NEW.sha256 NOT GLOB '*[^0-9a-f]*'));
    SELECT RAISE(ABORT, 'witan: not valid: documents.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: documents.exempt_ground is not an exempt ground: 12A:1 to 12A:7, or other: and a title')
    WHERE NOT (NEW.exempt_ground IS NULL OR (NEW.exempt_ground GLOB '12A:[1-7]' OR (NEW.exempt_ground GLOB 'other:*' AND length(substr(NEW.exempt_ground, 7)) BETWEEN 1 AND 500 AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']')));
END;
CREATE TRIGGER documents_shape_on_update BEFORE UPDATE OF name, media_type, sha256, text, exempt_ground ON documents
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: documents.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: documents.media_type is not a media type like application/pdf in lower case')
    WHERE NOT (NEW.media_type GLOB '?*/?*' AND NEW.media_type NOT GLOB '*/*/*' AND NEW.media_type NOT GLOB '*[^a-z0-9!#$&^_.+/-]*');
    SELECT RAISE(ABORT, 'witan: not valid: documents.sha256 is not 64 lower-case hexadecimal digits (or empty for a document not retrieved)')
    WHERE NOT (NEW.sha256 = '' OR (length(NEW.sha256) = 64 AND NEW.sha256 NOT GLOB '*[^0-9a-f]*'));
    SELECT RAISE(ABORT, 'witan: not valid: documents.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: documents.exempt_ground is not an exempt ground: 12A:1 to 12A:7, or other: and a title')
    WHERE NOT (NEW.exempt_ground IS NULL OR (NEW.exempt_ground GLOB '12A:[1-7]' OR (NEW.exempt_ground GLOB 'other:*' AND length(substr(NEW.exempt_ground, 7)) BETWEEN 1 AND 500 AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.exempt_ground, 7) NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']')));
END;

CREATE TRIGGER decisions_shape_on_insert BEFORE INSERT ON decisions
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: decisions.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: decisions.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER decisions_shape_on_update BEFORE UPDATE OF title, text ON decisions
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: decisions.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
    SELECT RAISE(ABORT, 'witan: not valid: decisions.text is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER actions_shape_on_insert BEFORE INSERT ON actions
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: actions.description must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.description <> '' AND length(CAST(NEW.description AS BLOB)) <= 1000000 AND NEW.description NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER actions_shape_on_update BEFORE UPDATE OF description ON actions
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: actions.description must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.description <> '' AND length(CAST(NEW.description AS BLOB)) <= 1000000 AND NEW.description NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER action_updates_shape_on_insert BEFORE INSERT ON action_updates
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: action_updates.text must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.text <> '' AND length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;
CREATE TRIGGER action_updates_shape_on_update BEFORE UPDATE OF text ON action_updates
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: action_updates.text must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.text <> '' AND length(CAST(NEW.text AS BLOB)) <= 1000000 AND NEW.text NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
END;

CREATE TRIGGER escalations_shape_on_insert BEFORE INSERT ON escalations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: escalations.reason is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.reason AS BLOB)) <= 1000000 AND NEW.reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: escalations.decline_reason must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.decline_reason IS NULL OR (NEW.decline_reason <> '' AND length(CAST(NEW.decline_reason AS BLOB)) <= 1000000 AND NEW.decline_reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*'));
END;
CREATE TRIGGER escalations_shape_on_update BEFORE UPDATE OF reason, decline_reason ON escalations
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: escalations.reason is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (length(CAST(NEW.reason AS BLOB)) <= 1000000 AND NEW.reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*');
    SELECT RAISE(ABORT, 'witan: not valid: escalations.decline_reason must not be empty, and is not a text: at most 1,000,000 bytes, no control characters but newline and tab')
    WHERE NOT (NEW.decline_reason IS NULL OR (NEW.decline_reason <> '' AND length(CAST(NEW.decline_reason AS BLOB)) <= 1000000 AND NEW.decline_reason NOT GLOB '*[' || char(1) || '-' || char(8) || char(11) || '-' || char(31) || char(127) || '-' || char(159) || ']*'));
END;

CREATE TRIGGER forward_plan_shape_on_insert BEFORE INSERT ON forward_plan
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: forward_plan.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
END;
CREATE TRIGGER forward_plan_shape_on_update BEFORE UPDATE OF title ON forward_plan
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: forward_plan.title is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.title) BETWEEN 1 AND 500 AND NEW.title NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.title NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.title NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
END;

CREATE TRIGGER users_shape_on_insert BEFORE INSERT ON users
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: users.email is not an email address in lower case like name@example.gov.uk, at most 254 bytes')
    WHERE NOT (length(CAST(NEW.email AS BLOB)) <= 254 AND NEW.email NOT GLOB '*[A-Z]*' AND NEW.email GLOB '?*@*' AND NEW.email NOT GLOB '*@*@*' AND NEW.email NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.email, instr(NEW.email, '@') + 1) GLOB '*.*' AND substr(NEW.email, instr(NEW.email, '@') + 1) NOT GLOB '.*' AND substr(NEW.email, instr(NEW.email, '@') + 1) NOT GLOB '*.');
    SELECT RAISE(ABORT, 'witan: not valid: users.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
END;
CREATE TRIGGER users_shape_on_update BEFORE UPDATE OF email, name ON users
BEGIN
    SELECT RAISE(ABORT, 'witan: not valid: users.email is not an email address in lower case like name@example.gov.uk, at most 254 bytes')
    WHERE NOT (length(CAST(NEW.email AS BLOB)) <= 254 AND NEW.email NOT GLOB '*[A-Z]*' AND NEW.email GLOB '?*@*' AND NEW.email NOT GLOB '*@*@*' AND NEW.email NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND substr(NEW.email, instr(NEW.email, '@') + 1) GLOB '*.*' AND substr(NEW.email, instr(NEW.email, '@') + 1) NOT GLOB '.*' AND substr(NEW.email, instr(NEW.email, '@') + 1) NOT GLOB '*.');
    SELECT RAISE(ABORT, 'witan: not valid: users.name is not a title: 1 to 500 characters, no control characters, no spaces around')
    WHERE NOT (length(NEW.name) BETWEEN 1 AND 500 AND NEW.name NOT GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' AND NEW.name NOT GLOB '[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']*' AND NEW.name NOT GLOB '*[' || char(32, 160, 5760, 8192) || '-' || char(8202, 8232, 8233, 8239, 8287, 12288) || ']');
END;
