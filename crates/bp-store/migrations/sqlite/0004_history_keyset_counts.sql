-- Listing cost independent of history size (keyset pages, no count per page), and retention.
--
-- `history_owner_confidence` comes back: a keyset page in confidence order must start at its
-- cursor inside an index, or every page sorts all of the owner's rows (linear in history
-- size; 0003 traded that for write speed when pages were offsets anyway).
-- `history_created` serves the admin listing of every owner's rows and the retention pass,
-- which deletes the oldest rows first; v7 ids and clock-ordered times make both appends.
CREATE INDEX history_owner_confidence ON history (owner, confidence, created_at_us, id);
CREATE INDEX history_created ON history (created_at_us, id);

-- Rows per owner, maintained in the transactions that insert and delete history, so an
-- exact total is one lookup instead of a count over the owner's rows. Anonymous rows (owner
-- NULL) count under the nil UUID.
CREATE TABLE history_counts (
    owner BLOB    NOT NULL PRIMARY KEY,
    rows  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO history_counts (owner, rows)
SELECT coalesce(owner, zeroblob(16)), count(*) FROM history GROUP BY 1;
