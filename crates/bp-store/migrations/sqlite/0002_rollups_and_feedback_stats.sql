-- Metric rollups, and what the feedback statistics need.

-- Window snapshots serialised by the server; the store never looks inside `payload`.
-- A rowid table, not WITHOUT ROWID: payloads can be large, and WITHOUT ROWID suits small rows.
CREATE TABLE metric_rollups (
    -- Window length: 5 (or the configured window), 60, 3600.
    resolution_secs INTEGER NOT NULL,
    -- Window start, unix microseconds, aligned by the caller.
    window_start_us INTEGER NOT NULL,
    -- The server instance that produced it.
    source          TEXT    NOT NULL,
    payload         BLOB    NOT NULL,
    PRIMARY KEY (resolution_secs, window_start_us, source)
) STRICT;

-- Feedback statistics select a time range of feedback across all owners.
CREATE INDEX feedback_created ON feedback (created_at_us);
