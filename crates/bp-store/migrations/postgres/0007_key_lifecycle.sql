-- Keys that expire, rotate and record their use.
-- `expires_at_us`: past it the key stops working (NULL: never).
-- `last_used_at_us`: the latest request that presented it (written at most once a minute).
-- `previous_key_hash` / `previous_valid_until_us`: the secret before the last rotation and
-- until when it still works, so clients switch to the new one without a failed request.
ALTER TABLE api_keys ADD COLUMN expires_at_us BIGINT;
ALTER TABLE api_keys ADD COLUMN last_used_at_us BIGINT;
ALTER TABLE api_keys ADD COLUMN previous_key_hash TEXT;
ALTER TABLE api_keys ADD COLUMN previous_valid_until_us BIGINT;

-- A presented secret is looked up as the current or the previous one of a key.
CREATE UNIQUE INDEX api_keys_previous_hash ON api_keys (previous_key_hash)
    WHERE previous_key_hash IS NOT NULL;
