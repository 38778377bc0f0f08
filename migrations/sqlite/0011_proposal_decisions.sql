-- The upper level's decision on a proposal it approved: its number, its date and the support it
-- grants (which may be less than the support requested). A revision keeps the files it
-- replaces, as earlier versions: `superseded_at` says since when a file is no longer current.
ALTER TABLE proposals ADD COLUMN decision_no TEXT;
ALTER TABLE proposals ADD COLUMN decision_date TEXT;
ALTER TABLE proposals ADD COLUMN approved_amount INTEGER;
ALTER TABLE proposal_attachments ADD COLUMN superseded_at TEXT;
