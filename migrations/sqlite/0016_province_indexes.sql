-- One database for a whole province: every query of one commune reads that commune's rows
-- through an index, so a commune costs the same among a hundred as alone. Each index names
-- the queries it serves; tests/plans.rs checks their plans on a many-commune database.

-- The digest's "registered since the last one" (by creation time).
CREATE INDEX households_commune_created ON households(commune_id, created_at);
-- The digest's "confirmed since the last one": only confirmed households have a time that
-- counts there.
CREATE INDEX households_commune_reviewed ON households(commune_id, reviewed_at)
    WHERE status = 'confirmed';
-- The queue of registrations waiting (oldest first), counts by status, the tally.
CREATE INDEX households_commune_status ON households(commune_id, status, created_at);
-- The report's list of households, by number, read in pages.
CREATE INDEX households_commune_id ON households(commune_id, id);
-- The digest's changes to groups and proposals in a period: the audit log of a commune holds
-- every household's entries too, which this leaves out.
CREATE INDEX audit_commune_groups ON audit_log(commune_id, at)
    WHERE entity IN ('group', 'proposal');
-- People with a disability by commune (the tally, the report, the digest's period).
CREATE INDEX disabled_persons_commune ON disabled_persons(commune_id, created_at);
-- A household's groups (joining, leaving, whether it leads one), on every such message.
CREATE INDEX group_members_household ON group_members(household_id);
-- What a person leads or submitted (menus, /hocuatoi), on every message of theirs.
CREATE INDEX groups_leader ON groups(leader_id);
CREATE INDEX proposals_submitted_by ON proposals(submitted_by);
-- The commune's people (the staff list) and its roles (who heads a hamlet, who is told).
CREATE INDEX persons_commune ON persons(commune_id);
CREATE INDEX roles_commune ON roles(commune_id, role);
CREATE INDEX roles_hamlet ON roles(hamlet_id);
