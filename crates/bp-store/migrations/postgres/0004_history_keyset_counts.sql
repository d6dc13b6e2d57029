-- Listing cost independent of history size (keyset pages, no count per page), and retention.
--
-- `history_created` serves the admin listing of every owner's rows and the retention pass,
-- which deletes the oldest rows first. The owner indexes of 0001 serve the keyset pages.
CREATE INDEX history_created ON history (created_at_us, id);

-- Rows per owner, maintained in the transactions that insert and delete history, so an
-- exact total is one lookup instead of a count over the owner's rows. Anonymous rows (owner
-- NULL) count under the nil UUID.
CREATE TABLE history_counts (
    owner UUID   NOT NULL PRIMARY KEY,
    rows  BIGINT NOT NULL
);

INSERT INTO history_counts (owner, rows)
SELECT coalesce(owner, '00000000-0000-0000-0000-000000000000'::uuid), count(*)
FROM history GROUP BY 1;
