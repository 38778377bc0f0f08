-- Invites: an officer (`/moi`) or the operator (`giamngheo invite`) names a role and its scope
-- (the hamlet of a hamlet head, the organisation of a representative) and gets a one-time
-- code; whoever takes it (`/moi CODE`, or a Telegram link that sends `/start CODE`) holds the
-- role in the invite's commune. The code is kept only as its SHA-256. An invite is open until
-- it is taken, expires or is revoked; the row stays, so a late or second use is told which.

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash   TEXT NOT NULL UNIQUE,
    commune_id  INTEGER NOT NULL REFERENCES communes(id),
    role        TEXT NOT NULL,
    hamlet_id   INTEGER REFERENCES hamlets(id),
    org         TEXT,
    -- NULL: made from the command line.
    created_by  INTEGER REFERENCES persons(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     INTEGER REFERENCES persons(id),
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX invites_open ON invites(commune_id, expires_at);
