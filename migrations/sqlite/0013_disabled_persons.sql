-- People with a disability without a stable livelihood are people, not a household category
-- (the letter lists them beside the three kinds of household): such a person may live in a
-- poor, near-poor or any other household, or in none registered. A hamlet head or the
-- culture-social officer records them; they are counted in people.
CREATE TABLE disabled_persons (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id   INTEGER NOT NULL REFERENCES communes(id),
    hamlet_id    INTEGER NOT NULL REFERENCES hamlets(id),
    -- The registered household the person lives in, if any.
    household_id INTEGER REFERENCES households(id),
    full_name    TEXT NOT NULL,
    -- NULL only for people carried over from the old household category (year unknown).
    birth_year   INTEGER,
    recorded_by  INTEGER REFERENCES persons(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX disabled_persons_hamlet ON disabled_persons(hamlet_id);
CREATE INDEX disabled_persons_household ON disabled_persons(household_id);

-- A household registered under the old fifth category was registered for its head: the head
-- becomes the person recorded (year unknown, for the hamlet head to complete), and the household
-- becomes an "other" household, which is what it is once the person is counted apart.
INSERT INTO disabled_persons (commune_id, hamlet_id, household_id, full_name, birth_year,
    recorded_by, created_at)
SELECT commune_id, hamlet_id, id, head_name, NULL, registered_by, created_at
FROM households WHERE category = 'disabled' AND status <> 'rejected';
UPDATE households SET category = 'other' WHERE category = 'disabled';
