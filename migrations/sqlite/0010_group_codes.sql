-- Join codes nobody can compute. The codes so far were a hash of the commune's and the group's
-- numbers, the same in every database; each group gets a new code of eight characters drawn
-- from SQLite's random(), which reads the operating system's entropy (the program draws new
-- codes from the CSPRNG the same way). The alphabet has no look-alikes (0/O, 1/I/L).
UPDATE groups SET join_code = (
    SELECT group_concat(c, '') FROM (
        SELECT substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + ((random() % 31) + 31) % 31, 1) AS c
        FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
              UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8)
        -- Refers to the row, so the characters are drawn again for every group.
        WHERE groups.id IS NOT NULL
    )
);

-- A group takes households of its own hamlet, unless it was created for the whole commune.
ALTER TABLE groups ADD COLUMN commune_wide BOOLEAN NOT NULL DEFAULT FALSE;

-- A person's display name follows the one their platform sends until they give their own.
ALTER TABLE persons ADD COLUMN name_given BOOLEAN NOT NULL DEFAULT FALSE;
