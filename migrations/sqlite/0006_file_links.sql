-- Links to stored files for platforms that take a file only as a URL (Zalo fetches images
-- from `<public URL>/files/<token>`). Each token is random, made for one file and one
-- recipient chat, and valid until `expires_at`; expired links are deleted.

CREATE TABLE file_links (
    token       TEXT PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES files(id),
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE INDEX file_links_recipient ON file_links (file_id, channel, chat_id);
CREATE INDEX file_links_expiry ON file_links (expires_at);
