-- Every search index fed by this store's change log (one per witan process) says how far it has
-- read, so that the log is pruned only below the slowest of them. `floor` is the highest change
-- forgotten: an index that has not reached it missed changes and must be rebuilt.
CREATE TABLE search_readers (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    seen TEXT NOT NULL
);

CREATE TABLE search_log (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    floor INTEGER NOT NULL CHECK (floor >= 0)
);

INSERT INTO search_log (id, floor) VALUES (1, 0);
