-- Metric rollups, and what the feedback statistics need.

-- Window snapshots serialised by the server; the store never looks inside `payload`.
CREATE TABLE metric_rollups (
    -- Window length: 5 (or the configured window), 60, 3600. BIGINT holds every u32.
    resolution_secs BIGINT NOT NULL,
    -- Window start, unix microseconds, aligned by the caller.
    window_start_us BIGINT NOT NULL,
    -- The server instance that produced it. Byte order ("C"), like SQLite's BINARY, so
    -- listings order sources the same way on both backends whatever the database locale.
    source          TEXT   COLLATE "C" NOT NULL,
    payload         BYTEA  NOT NULL,
    PRIMARY KEY (resolution_secs, window_start_us, source)
);

-- Feedback statistics select a time range of feedback across all owners.
CREATE INDEX feedback_created ON feedback (created_at_us);
