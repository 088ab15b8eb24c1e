-- Where imported records came from. Each record an importer writes is remembered under a source
-- key that names the format and the source's own identity ("oparl:https://…/meeting/12",
-- "legistar:chicago/event/4711", "minutes:committee/cabinet/2016-04-14/item/7"), with a
-- fingerprint of the record as the source last described it: a re-import finds the record by its
-- key, leaves it alone when the fingerprint is unchanged and updates it in place when not.
CREATE TABLE import_sources (
    source_key text PRIMARY KEY,
    kind text NOT NULL,
    record_id bigint NOT NULL,
    fingerprint text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
