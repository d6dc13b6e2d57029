-- Facts every instance of a fleet must see alike and that must survive restarts: load-test
-- runs (as their generators report them) and the anomalies flagged on the fleet's windows.
-- The store never looks inside `payload` (the API type, as JSON).
CREATE TABLE fleet_records (
    -- 'load_run' or 'anomaly'.
    kind    TEXT    NOT NULL,
    -- A run's id; an anomaly's window start and metric, so every instance flagging the
    -- same window writes the same row.
    id      TEXT    NOT NULL,
    -- What the records are listed and pruned by, unix microseconds: a run's last report,
    -- an anomaly's window start.
    at_us   INTEGER NOT NULL,
    payload BLOB    NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

CREATE INDEX fleet_records_at ON fleet_records (kind, at_us);
