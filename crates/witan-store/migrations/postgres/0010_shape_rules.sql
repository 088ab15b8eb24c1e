-- Every length and shape rule of witan's domain types (witan_domain: Title, Text, Slug,
-- ItemNumber, the exempt ground, MediaType, Sha256, Email, the closed vocabularies) is also a CHECK
-- constraint, so that SQL from anywhere, a bug in a workflow included, cannot store a value the
-- domain would refuse to read back: such a value made every page, API answer and OParl object that
-- showed it fail. The rules are functions with SQL-standard bodies (resolved when created, so they
-- do not depend on the search_path of whoever writes) and IMMUTABLE, as CHECK constraints need.
-- Lengths count characters for titles, slugs and item numbers and bytes for texts and email
-- addresses, as the domain does.

-- An agenda item an escalation proposed used to be titled by joining two names in SQL, which could
-- exceed the 500 characters of a title; such titles are cut to the rule, as the domain now cuts
-- them (Title::truncating), before the rule is enforced.
UPDATE agenda_items SET title = rtrim(left(title, 499)) || '…' WHERE char_length(title) > 500;

CREATE FUNCTION witan_is_title(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN char_length(value) BETWEEN 1 AND 500
    AND value !~ '[\u0001-\u001f\u007f-\u009f]'
    AND value !~ '^[ \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    AND value !~ '[ \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$';

CREATE FUNCTION witan_is_text(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN octet_length(value) <= 1000000 AND value !~ '[\u0001-\u0008\u000b-\u001f\u007f-\u009f]';

CREATE FUNCTION witan_are_texts(value text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT COALESCE(bool_and(p IS NOT NULL AND witan_is_text(p)), true) FROM unnest(value) AS p);

CREATE FUNCTION witan_is_slug(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN char_length(value) <= 100 AND value ~ '^[a-z0-9]+(-[a-z0-9]+)*$';

CREATE FUNCTION witan_is_item_number(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN octet_length(value) <= 12 AND value ~ '^[A-Za-z0-9]([A-Za-z0-9.]*[A-Za-z0-9])?$';

CREATE FUNCTION witan_is_exempt_ground(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN value ~ '^12A:[1-7]$' OR (value LIKE 'other:%' AND witan_is_title(substr(value, 7)));

CREATE FUNCTION witan_is_media_type(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN value ~ '^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$';

CREATE FUNCTION witan_is_email(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN octet_length(value) <= 254
    AND value = lower(value)
    AND value ~ '^[^@]+@[^@]+$'
    AND value !~ '[\u0001-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    AND split_part(value, '@', 2) LIKE '%.%'
    AND split_part(value, '@', 2) !~ '^\.|\.$';


ALTER TABLE organisations
    ADD CONSTRAINT organisations_slug_shape CHECK (witan_is_slug(slug)),
    ADD CONSTRAINT organisations_name_shape CHECK (witan_is_title(name)),
    ADD CONSTRAINT organisations_kind_shape CHECK (kind IN ('county_council', 'district_council', 'unitary_council', 'integrated_care_board', 'nhs_trust', 'clinical_commissioning_group', 'other'));

ALTER TABLE committees
    ADD CONSTRAINT committees_slug_shape CHECK (witan_is_slug(slug)),
    ADD CONSTRAINT committees_name_shape CHECK (witan_is_title(name)),
    ADD CONSTRAINT committees_purpose_shape CHECK (witan_is_text(purpose));

ALTER TABLE people
    ADD CONSTRAINT people_name_shape CHECK (witan_is_title(name)),
    ADD CONSTRAINT people_job_title_shape CHECK (witan_is_title(job_title));

ALTER TABLE memberships
    ADD CONSTRAINT memberships_role_shape CHECK (role IN ('chair', 'vice_chair', 'member', 'co_opted', 'officer'));

ALTER TABLE meetings
    ADD CONSTRAINT meetings_location_shape CHECK (witan_is_title(location));

ALTER TABLE attendance
    ADD CONSTRAINT attendance_kind_shape CHECK (kind IN ('present', 'apologies', 'absent', 'in_attendance'));

ALTER TABLE issues
    ADD CONSTRAINT issues_title_shape CHECK (witan_is_title(title)),
    ADD CONSTRAINT issues_reference_shape CHECK (witan_is_title(reference)),
    ADD CONSTRAINT issues_summary_shape CHECK (witan_is_text(summary));

ALTER TABLE agenda_items
    ADD CONSTRAINT agenda_items_number_shape CHECK (witan_is_item_number(number)),
    ADD CONSTRAINT agenda_items_title_shape CHECK (witan_is_title(title)),
    ADD CONSTRAINT agenda_items_exempt_ground_shape CHECK (witan_is_exempt_ground(exempt_ground));

ALTER TABLE declarations
    ADD CONSTRAINT declarations_kind_shape CHECK (kind IN ('disclosable_pecuniary', 'other_registrable', 'non_registrable')),
    ADD CONSTRAINT declarations_description_shape CHECK (witan_is_text(description));

ALTER TABLE item_minutes
    ADD CONSTRAINT item_minutes_text_shape CHECK (witan_is_text(text)),
    ADD CONSTRAINT item_minutes_resolution_points_shape CHECK (witan_are_texts(resolution_points)),
    ADD CONSTRAINT item_minutes_resolution_text_shape CHECK (witan_is_text(resolution_text));

ALTER TABLE minutes_sign_offs
    ADD CONSTRAINT minutes_sign_offs_signed_by_shape CHECK (witan_is_title(signed_by)),
    ADD CONSTRAINT minutes_sign_offs_reason_shape CHECK (witan_is_text(reason));

ALTER TABLE documents
    ADD CONSTRAINT documents_name_shape CHECK (witan_is_title(name)),
    ADD CONSTRAINT documents_media_type_shape CHECK (witan_is_media_type(media_type)),
    ADD CONSTRAINT documents_sha256_shape CHECK (sha256 = '' OR sha256 ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT documents_text_shape CHECK (witan_is_text(text)),
    ADD CONSTRAINT documents_exempt_ground_shape CHECK (witan_is_exempt_ground(exempt_ground));

ALTER TABLE decisions
    ADD CONSTRAINT decisions_title_shape CHECK (witan_is_title(title)),
    ADD CONSTRAINT decisions_text_shape CHECK (witan_is_text(text));

ALTER TABLE actions
    ADD CONSTRAINT actions_description_shape CHECK (description <> '' AND witan_is_text(description));

ALTER TABLE action_updates
    ADD CONSTRAINT action_updates_text_shape CHECK (text <> '' AND witan_is_text(text));

ALTER TABLE escalations
    ADD CONSTRAINT escalations_reason_shape CHECK (witan_is_text(reason)),
    ADD CONSTRAINT escalations_decline_reason_shape CHECK (decline_reason <> '' AND witan_is_text(decline_reason));

ALTER TABLE forward_plan
    ADD CONSTRAINT forward_plan_title_shape CHECK (witan_is_title(title));

ALTER TABLE users
    ADD CONSTRAINT users_email_shape CHECK (witan_is_email(email)),
    ADD CONSTRAINT users_name_shape CHECK (witan_is_title(name));
