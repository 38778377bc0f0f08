-- Communes, hamlets, people and their roles; households; the conversation machinery (state,
-- inbox for dedupe, outbox for delivery) and the audit log.

CREATE TABLE communes (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    rules       TEXT NOT NULL DEFAULT '{}',
    is_demo     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE hamlets (
    id          BIGSERIAL PRIMARY KEY,
    commune_id  BIGINT NOT NULL REFERENCES communes(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    position    BIGINT NOT NULL,
    UNIQUE (commune_id, name_key)
);

CREATE TABLE persons (
    id            BIGSERIAL PRIMARY KEY,
    commune_id    BIGINT NOT NULL REFERENCES communes(id),
    display_name  TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'vi',
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE identities (
    channel    TEXT NOT NULL,
    sender_id  TEXT NOT NULL,
    person_id  BIGINT NOT NULL REFERENCES persons(id),
    chat_id    TEXT NOT NULL,
    PRIMARY KEY (channel, sender_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE roles (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons(id),
    commune_id  BIGINT NOT NULL REFERENCES communes(id),
    role        TEXT NOT NULL,
    hamlet_id   BIGINT REFERENCES hamlets(id),
    granted_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX roles_unique ON roles(person_id, commune_id, role, COALESCE(hamlet_id, 0));

CREATE TABLE households (
    id               BIGSERIAL PRIMARY KEY,
    commune_id       BIGINT NOT NULL REFERENCES communes(id),
    hamlet_id        BIGINT NOT NULL REFERENCES hamlets(id),
    head_name        TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    address          TEXT NOT NULL,
    phone            TEXT NOT NULL,
    members          BIGINT NOT NULL,
    category         TEXT NOT NULL,
    escaped_on       DATE,
    escape_decision  TEXT,
    cccd             TEXT,
    status           TEXT NOT NULL,
    reject_reason    TEXT,
    registered_by    BIGINT NOT NULL REFERENCES persons(id),
    reviewed_by      BIGINT REFERENCES persons(id),
    reviewed_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- One live registration per head and phone in a hamlet; a rejected one may be registered again.
CREATE UNIQUE INDEX households_unique ON households(hamlet_id, name_key, phone)
    WHERE status <> 'rejected';
CREATE INDEX households_pending ON households(hamlet_id, status, created_at);

CREATE TABLE conversations (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, message_id)
);

CREATE TABLE outbox (
    id               BIGSERIAL PRIMARY KEY,
    channel          TEXT NOT NULL,
    chat_id          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT,
    sent_at          TIMESTAMPTZ,
    failed_at        TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox(channel, sent_at, failed_at, next_attempt_at);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor_id   BIGINT REFERENCES persons(id),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  BIGINT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
