-- Community groups and their members; project proposals, their attachments and history.

-- The organisation a representative speaks for (Hội Nông dân…, a business, a cooperative).
ALTER TABLE roles ADD COLUMN org TEXT;

CREATE TABLE groups (
    id              BIGSERIAL PRIMARY KEY,
    commune_id      BIGINT NOT NULL REFERENCES communes(id),
    hamlet_id       BIGINT NOT NULL REFERENCES hamlets(id),
    name            TEXT NOT NULL,
    org             TEXT NOT NULL,
    product         TEXT NOT NULL,
    join_code       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    leader_id       BIGINT NOT NULL REFERENCES persons(id),
    requested_at    TIMESTAMPTZ,
    decision_no     TEXT,
    decision_date   DATE,
    return_reason   TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX groups_commune ON groups(commune_id, status);

CREATE TABLE group_members (
    group_id          BIGINT NOT NULL REFERENCES groups(id),
    household_id      BIGINT NOT NULL REFERENCES households(id),
    recognised_level  TEXT,
    recognised_year   BIGINT,
    experienced       BOOLEAN NOT NULL,
    added_by          BIGINT NOT NULL REFERENCES persons(id),
    joined_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, household_id)
);

CREATE TABLE proposals (
    id                BIGSERIAL PRIMARY KEY,
    commune_id        BIGINT NOT NULL REFERENCES communes(id),
    kind              TEXT NOT NULL,
    group_id          BIGINT REFERENCES groups(id),
    partners          TEXT,
    submitted_by      BIGINT NOT NULL REFERENCES persons(id),
    answers           TEXT NOT NULL,
    title             TEXT NOT NULL,
    total_cost        BIGINT NOT NULL,
    support           BIGINT NOT NULL,
    own_contribution  BIGINT NOT NULL,
    status            TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX proposals_commune ON proposals(commune_id, status, updated_at);

CREATE TABLE proposal_attachments (
    id           BIGSERIAL PRIMARY KEY,
    proposal_id  BIGINT NOT NULL REFERENCES proposals(id),
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    file_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    added_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE proposal_events (
    id           BIGSERIAL PRIMARY KEY,
    proposal_id  BIGINT NOT NULL REFERENCES proposals(id),
    at           TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT NOT NULL REFERENCES persons(id),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    comment      TEXT
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);
