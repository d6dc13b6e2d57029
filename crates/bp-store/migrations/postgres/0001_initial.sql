-- The first schema: API keys, history and feedback.
-- Timestamps are BIGINT unix microseconds, like SQLite's, so both sort and compare the same way.

CREATE TABLE api_keys (
    id            UUID    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL UNIQUE,
    key_prefix    TEXT    NOT NULL,
    tier          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    rate_limit    TEXT,
    created_at_us BIGINT  NOT NULL,
    revoked       BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE history (
    id                 UUID             NOT NULL PRIMARY KEY,
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
    region             TEXT             NOT NULL
);

-- Listings are always by owner, newest first by default.
CREATE INDEX history_owner_created ON history (owner, created_at_us, id);
CREATE INDEX history_owner_confidence ON history (owner, confidence, created_at_us, id);

CREATE TABLE feedback (
    id                     UUID     NOT NULL PRIMARY KEY,
    owner                  UUID     NOT NULL,
    history_id             UUID     NOT NULL REFERENCES history (id) ON DELETE CASCADE,
    rating                 SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    most_helpful_technique TEXT,
    comment                TEXT,
    created_at_us          BIGINT   NOT NULL,
    UNIQUE (owner, history_id)
);

-- The cascade from history looks feedback up by history_id.
CREATE INDEX feedback_history ON feedback (history_id);
