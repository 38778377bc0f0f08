-- A group chooses its leader (trưởng nhóm) among its member households; the hamlet head or the
-- group's creator records the choice and may change it. `leader_id` stays whoever created the
-- group (a hamlet head or an organisation's representative), as it always was.
ALTER TABLE groups ADD COLUMN leader_household_id BIGINT REFERENCES households(id);
CREATE INDEX groups_leader_household ON groups(leader_household_id);

-- Whether a person's household leads a group is read with every message they send.
CREATE INDEX households_registered_by ON households(registered_by);
