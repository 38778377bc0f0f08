-- Communes, hamlets, people and their roles; households; the conversation machinery (state,
-- inbox for dedupe, outbox for delivery) and the audit log.

CREATE TABLE communes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    rules       TEXT NOT NULL DEFAULT '{}',
    is_demo     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT NOT NULL
);

CREATE TABLE hamlets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id  INTEGER NOT NULL REFERENCES communes(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (commune_id, name_key)
);

CREATE TABLE persons (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id    INTEGER NOT NULL REFERENCES communes(id),
    display_name  TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'vi',
    created_at    TEXT NOT NULL
);

CREATE TABLE identities (
    channel    TEXT NOT NULL,
    sender_id  TEXT NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    chat_id    TEXT NOT NULL,
    PRIMARY KEY (channel, sender_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    commune_id  INTEGER NOT NULL REFERENCES communes(id),
    role        TEXT NOT NULL,
    hamlet_id   INTEGER REFERENCES hamlets(id),
    granted_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX roles_unique ON roles(person_id, commune_id, role, COALESCE(hamlet_id, 0));

CREATE TABLE households (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id       INTEGER NOT NULL REFERENCES communes(id),
    hamlet_id        INTEGER NOT NULL REFERENCES hamlets(id),
    head_name        TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    address          TEXT NOT NULL,
    phone            TEXT NOT NULL,
    members          INTEGER NOT NULL,
    category         TEXT NOT NULL,
    escaped_on       TEXT,
    escape_decision  TEXT,
    cccd             TEXT,
    status           TEXT NOT NULL,
    reject_reason    TEXT,
    registered_by    INTEGER NOT NULL REFERENCES persons(id),
    reviewed_by      INTEGER REFERENCES persons(id),
    reviewed_at      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- One live registration per head and phone in a hamlet; a rejected one may be registered again.
CREATE UNIQUE INDEX households_unique ON households(hamlet_id, name_key, phone)
    WHERE status <> 'rejected';
CREATE INDEX households_pending ON households(hamlet_id, status, created_at);

CREATE TABLE conversations (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (channel, message_id)
);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    channel          TEXT NOT NULL,
    chat_id          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    sent_at          TEXT,
    failed_at        TEXT
);
CREATE INDEX outbox_due ON outbox(channel, sent_at, failed_at, next_attempt_at);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor_id   INTEGER REFERENCES persons(id),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
