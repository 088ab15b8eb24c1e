-- A counter every committed unit of work increases, whichever process wrote it; page caches
-- compare it to know whether what they hold is still current.
CREATE TABLE store_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO store_generation (id, value) VALUES (1, 0);
