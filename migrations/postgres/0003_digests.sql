-- The officers' daily digest: preferences, one row per person and day sent (the row makes a
-- digest go out exactly once, whatever the number of processes), and the commune's dated
-- tasks. Identities learn when they were last used, to reach people where they chat.

CREATE TABLE officer_prefs (
    person_id    BIGINT PRIMARY KEY REFERENCES persons(id),
    digest_time  TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    quiet_line   BOOLEAN NOT NULL
);

CREATE TABLE digests (
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    day          DATE NOT NULL,
    covers_from  TIMESTAMPTZ NOT NULL,
    covers_to    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, day)
);

CREATE TABLE deadlines (
    id          BIGSERIAL PRIMARY KEY,
    commune_id  BIGINT NOT NULL REFERENCES communes(id),
    title       TEXT NOT NULL,
    due_on      DATE NOT NULL,
    done_at     TIMESTAMPTZ,
    created_by  BIGINT REFERENCES persons(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX deadlines_commune ON deadlines(commune_id, due_on);

ALTER TABLE identities ADD COLUMN last_seen TIMESTAMPTZ;
