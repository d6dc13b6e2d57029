-- The first schema: API keys, history and feedback.
-- Ids are 16-byte UUID BLOBs; timestamps are INTEGER unix microseconds; enums are their wire ids.

CREATE TABLE api_keys (
    id            BLOB    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL UNIQUE,
    key_prefix    TEXT    NOT NULL,
    tier          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    rate_limit    TEXT,
    created_at_us INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

CREATE TABLE history (
    id                 BLOB    NOT NULL PRIMARY KEY,
    -- The API key's id; NULL for anonymous requests.
    owner              BLOB,
    created_at_us      INTEGER NOT NULL,
    original_text      TEXT    NOT NULL,
    enhanced_text      TEXT    NOT NULL,
    intent             TEXT    NOT NULL,
    complexity         TEXT    NOT NULL,
    -- ',a,b,': keeps the order, and instr(techniques, ',a,') is an exact membership test.
    techniques         TEXT    NOT NULL,
    confidence         REAL    NOT NULL,
    processing_time_ms REAL    NOT NULL,
    segment            TEXT    NOT NULL,
    region             TEXT    NOT NULL
) STRICT;

-- Listings are always by owner, newest first by default.
CREATE INDEX history_owner_created ON history (owner, created_at_us, id);
CREATE INDEX history_owner_confidence ON history (owner, confidence, created_at_us, id);

CREATE TABLE feedback (
    id                     BLOB    NOT NULL PRIMARY KEY,
    owner                  BLOB    NOT NULL,
    history_id             BLOB    NOT NULL REFERENCES history (id) ON DELETE CASCADE,
    rating                 INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    most_helpful_technique TEXT,
    comment                TEXT,
    created_at_us          INTEGER NOT NULL,
    UNIQUE (owner, history_id)
) STRICT;

-- The cascade from history looks feedback up by history_id.
CREATE INDEX feedback_history ON feedback (history_id);
