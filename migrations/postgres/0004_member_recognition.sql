-- A recognition a resident declares when joining is only claimed until the hamlet head (or the
-- group's leader) records it; only recorded ones count for the group rules.
ALTER TABLE group_members ADD COLUMN recognition_checked BOOLEAN NOT NULL DEFAULT TRUE;
