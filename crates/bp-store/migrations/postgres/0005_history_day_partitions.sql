-- History in day partitions, so retention drops whole days (no per-row deletes, no
-- vacuum debt) and a day's rows sit together on disk.
--
-- `history` becomes a table partitioned by range of `created_at_us`, one partition per UTC
-- day named `history_pYYYYMMDD`; the service creates the coming days' partitions itself.
-- There is no default partition: PostgreSQL cannot detach a partition concurrently (without
-- locking readers out) from a table that has one. The existing rows are copied into the
-- partitions of their days.
--
-- A partitioned table's unique keys must contain the partition key, so the primary key
-- is (id, created_at_us) and feedback can no longer reference `history (id)`: the store
-- deletes a row's feedback itself, in the statement that deletes the row.

ALTER TABLE feedback DROP CONSTRAINT feedback_history_id_fkey;
ALTER TABLE history RENAME TO history_0004;
ALTER TABLE history_0004 RENAME CONSTRAINT history_pkey TO history_0004_pkey;
DROP INDEX history_owner_created;
DROP INDEX history_owner_confidence;
DROP INDEX history_created;

CREATE TABLE history (
    id                 UUID             NOT NULL,
    -- The API key's id; NULL for anonymous requests.
    owner              UUID,
    created_at_us      BIGINT           NOT NULL,
    original_text      TEXT             NOT NULL,
    enhanced_text      TEXT             NOT NULL,
    intent             TEXT             NOT NULL,
    complexity         TEXT             NOT NULL,
    techniques         TEXT[]           NOT NULL,
    confidence         DOUBLE PRECISION NOT NULL,
    processing_time_ms DOUBLE PRECISION NOT NULL,
    segment            TEXT             NOT NULL,
    region             TEXT             NOT NULL,
    PRIMARY KEY (id, created_at_us)
) PARTITION BY RANGE (created_at_us);

-- The indexes of 0001 and 0004, on every partition.
CREATE INDEX history_owner_created ON history (owner, created_at_us, id);
CREATE INDEX history_owner_confidence ON history (owner, confidence, created_at_us, id);
CREATE INDEX history_created ON history (created_at_us, id);

DO $$
DECLARE
    day BIGINT;
BEGIN
    FOR day IN
        SELECT DISTINCT created_at_us - ((created_at_us % 86400000000) + 86400000000) % 86400000000
        FROM history_0004
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF history FOR VALUES FROM (%s) TO (%s)',
            'history_p' || to_char(to_timestamp(day / 1000000.0) AT TIME ZONE 'UTC', 'YYYYMMDD'),
            day, day + 86400000000);
    END LOOP;
END $$;
INSERT INTO history SELECT * FROM history_0004;
DROP TABLE history_0004;

-- Counts per owner and day: dropping a day's partition drops its counts with it, and an
-- owner's total is the sum of at most a retention's worth of rows.
ALTER TABLE history_counts RENAME TO history_counts_0004;
CREATE TABLE history_counts (
    owner  UUID   NOT NULL,
    -- The UTC day's first microsecond.
    day_us BIGINT NOT NULL,
    rows   BIGINT NOT NULL,
    PRIMARY KEY (owner, day_us)
);
INSERT INTO history_counts (owner, day_us, rows)
SELECT coalesce(owner, '00000000-0000-0000-0000-000000000000'::uuid),
       created_at_us - ((created_at_us % 86400000000) + 86400000000) % 86400000000,
       count(*)
FROM history GROUP BY 1, 2;
DROP TABLE history_counts_0004;
