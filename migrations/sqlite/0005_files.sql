-- Files the bot makes (the digest's chart), stored once and referred to by the outbox rows
-- that send them, instead of travelling inside every row. Each platform's own id for an
-- uploaded file is kept, so a file goes up once and is sent again by that id.

CREATE TABLE files (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE file_uploads (
    file_id      INTEGER NOT NULL REFERENCES files(id),
    channel      TEXT NOT NULL,
    platform_id  TEXT NOT NULL,
    PRIMARY KEY (file_id, channel)
);
