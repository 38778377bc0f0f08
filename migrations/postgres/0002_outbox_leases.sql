-- Which process is sending a chat's replies, so two never interleave one chat.
CREATE TABLE outbox_leases (
    channel  TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    holder   TEXT NOT NULL,
    until    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
