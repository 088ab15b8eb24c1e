-- When each meeting's agenda was published, for "recently published agendas".
ALTER TABLE meetings ADD COLUMN agenda_published_at TEXT;
CREATE INDEX meetings_by_agenda_published ON meetings (agenda_published_at)
    WHERE agenda_published_at IS NOT NULL;
