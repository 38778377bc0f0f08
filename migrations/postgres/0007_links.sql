-- One person on several channels. A code asked for on one channel (`/lienket`) and typed on
-- another joins the two accounts into one person. The code is kept only as its SHA-256, for a
-- day after it expires (so a late or second use is told what happened), and names the
-- identity that asked for it, which is told when it is used.

CREATE TABLE link_codes (
    code_hash   TEXT NOT NULL UNIQUE,
    person_id   BIGINT NOT NULL REFERENCES persons(id),
    channel     TEXT NOT NULL,
    sender_id   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX link_codes_person ON link_codes(person_id);

-- Where notices and the digest go: a channel the person chose, or (NULL) the one they used last.
ALTER TABLE persons ADD COLUMN notify_channel TEXT;
-- A person whose accounts were joined into another one. The row stays, so the audit log
-- still names who did what before the accounts were joined.
ALTER TABLE persons ADD COLUMN merged_into BIGINT REFERENCES persons(id);
