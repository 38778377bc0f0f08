-- The audit log says from which channel each entry came and to which commune it belongs, and
-- the program can only add to it.
--
-- `channel`: the account's channel ("telegram", "zalo", "console"), "cli" for the command
-- line; NULL for entries the program made by itself and for entries written before this
-- column existed (nobody knows their channel now).
ALTER TABLE audit_log ADD COLUMN channel TEXT;
-- The commune the entry belongs to, so a commune reads its own log without guessing from the
-- actor. Older entries take it from their actor, or from what they name when they have none
-- (an export names the commune, a grant the person).
ALTER TABLE audit_log ADD COLUMN commune_id INTEGER REFERENCES communes(id);
UPDATE audit_log SET commune_id = COALESCE(
    (SELECT p.commune_id FROM persons p WHERE p.id = audit_log.actor_id),
    CASE audit_log.entity
        WHEN 'commune' THEN audit_log.entity_id
        WHEN 'person' THEN (SELECT p.commune_id FROM persons p WHERE p.id = audit_log.entity_id)
        WHEN 'household' THEN (SELECT h.commune_id FROM households h WHERE h.id = audit_log.entity_id)
        WHEN 'group' THEN (SELECT g.commune_id FROM groups g WHERE g.id = audit_log.entity_id)
        WHEN 'proposal' THEN (SELECT x.commune_id FROM proposals x WHERE x.id = audit_log.entity_id)
        WHEN 'deadline' THEN (SELECT d.commune_id FROM deadlines d WHERE d.id = audit_log.entity_id)
    END
);
CREATE INDEX audit_commune ON audit_log(commune_id, at);

-- Append-only: whatever the program (or a bug in it) does, an entry once written stays as
-- written. Someone with the database file can still drop the triggers; this guards against
-- the program, not against the server's administrator.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;
