-- One listing index on history instead of two: every acknowledged enhancement waits for its
-- row's commit, and each index is one more B-tree written per row.
--
-- `history_owner_confidence` (owner, confidence, ...) took each new row at a random position,
-- so every row of a group commit dirtied a leaf page of its own: about two thirds of the WAL
-- frames written per commit. B1 went from ~21 k to ~34 k enhance req/s without it
-- (bench/runs/2026-11-27-b1-write-path.md).
--
-- The confidence orders are served by `history_owner_created`, now with `confidence` as a
-- covered last column: SQLite scans the owner's entries in the index, keeps the top rows of
-- the page in its sorter, and reads only those rows from the table. That is linear in the
-- owner's rows, like the listing's `count(*)` already was (~0.1 s per million rows here).
-- The order by creation time uses the index as before, appended to at its end per owner.

DROP INDEX history_owner_confidence;
DROP INDEX history_owner_created;
CREATE INDEX history_owner_created ON history (owner, created_at_us, id, confidence);
