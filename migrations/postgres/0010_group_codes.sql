-- Join codes nobody can compute. The codes so far were a hash of the commune's and the group's
-- numbers, the same in every database; each group gets a new code of eight characters, each
-- from a byte of gen_random_uuid() (the server's strong random source; the program draws new
-- codes from the CSPRNG the same way). The alphabet has no look-alikes (0/O, 1/I/L).
UPDATE groups SET join_code = (
    SELECT string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789',
                             1 + (get_byte(u, 0) * 256 + get_byte(u, 1)) % 31, 1), '')
    -- A fresh draw for every character of every group: the subquery refers to both.
    FROM generate_series(1, 8) AS i
    CROSS JOIN LATERAL (SELECT uuid_send(gen_random_uuid()) AS u
                        WHERE i IS NOT NULL AND groups.id IS NOT NULL) AS r
);

-- A group takes households of its own hamlet, unless it was created for the whole commune.
ALTER TABLE groups ADD COLUMN commune_wide BOOLEAN NOT NULL DEFAULT FALSE;

-- A person's display name follows the one their platform sends until they give their own.
ALTER TABLE persons ADD COLUMN name_given BOOLEAN NOT NULL DEFAULT FALSE;
