-- A file a platform refused to deliver to a chat (too large, a kind it does not take): kept
-- until the same file reaches that chat, so where the file is listed (a proposal's card) can
-- say it did not arrive.
CREATE TABLE files_not_sent (
    channel  TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    file     TEXT NOT NULL,
    why      TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, file)
);
