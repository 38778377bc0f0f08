-- The officers' daily digest: preferences, one row per person and day sent (the row makes a
-- digest go out exactly once, whatever the number of processes), and the commune's dated
-- tasks. Identities learn when they were last used, to reach people where they chat.

CREATE TABLE officer_prefs (
    person_id    INTEGER PRIMARY KEY REFERENCES persons(id),
    digest_time  TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    quiet_line   BOOLEAN NOT NULL
);

CREATE TABLE digests (
    person_id    INTEGER NOT NULL REFERENCES persons(id),
    day          TEXT NOT NULL,
    covers_from  TEXT NOT NULL,
    covers_to    TEXT NOT NULL,
    PRIMARY KEY (person_id, day)
);

CREATE TABLE deadlines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id  INTEGER NOT NULL REFERENCES communes(id),
    title       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_at     TEXT,
    created_by  INTEGER REFERENCES persons(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX deadlines_commune ON deadlines(commune_id, due_on);

ALTER TABLE identities ADD COLUMN last_seen TEXT;
