-- Community groups and their members; project proposals, their attachments and history.

-- The organisation a representative speaks for (Hội Nông dân…, a business, a cooperative).
ALTER TABLE roles ADD COLUMN org TEXT;

CREATE TABLE groups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id      INTEGER NOT NULL REFERENCES communes(id),
    hamlet_id       INTEGER NOT NULL REFERENCES hamlets(id),
    name            TEXT NOT NULL,
    org             TEXT NOT NULL,
    product         TEXT NOT NULL,
    join_code       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    leader_id       INTEGER NOT NULL REFERENCES persons(id),
    requested_at    TEXT,
    decision_no     TEXT,
    decision_date   TEXT,
    return_reason   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX groups_commune ON groups(commune_id, status);

CREATE TABLE group_members (
    group_id          INTEGER NOT NULL REFERENCES groups(id),
    household_id      INTEGER NOT NULL REFERENCES households(id),
    recognised_level  TEXT,
    recognised_year   INTEGER,
    experienced       BOOLEAN NOT NULL,
    added_by          INTEGER NOT NULL REFERENCES persons(id),
    joined_at         TEXT NOT NULL,
    PRIMARY KEY (group_id, household_id)
);

CREATE TABLE proposals (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id        INTEGER NOT NULL REFERENCES communes(id),
    kind              TEXT NOT NULL,
    group_id          INTEGER REFERENCES groups(id),
    partners          TEXT,
    submitted_by      INTEGER NOT NULL REFERENCES persons(id),
    answers           TEXT NOT NULL,
    title             TEXT NOT NULL,
    total_cost        INTEGER NOT NULL,
    support           INTEGER NOT NULL,
    own_contribution  INTEGER NOT NULL,
    status            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX proposals_commune ON proposals(commune_id, status, updated_at);

CREATE TABLE proposal_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id  INTEGER NOT NULL REFERENCES proposals(id),
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    file_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    added_at     TEXT NOT NULL
);

CREATE TABLE proposal_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id  INTEGER NOT NULL REFERENCES proposals(id),
    at           TEXT NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES persons(id),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    comment      TEXT
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);
