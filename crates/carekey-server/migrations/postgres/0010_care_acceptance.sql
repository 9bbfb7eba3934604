-- Whether a patient's responsible clinician accepted her (issue 10, point 7):
-- 'pending', 'accepted' or 'declined'; NULL for accounts that name no
-- clinician. Naming a clinician is a claim anyone who knows his id can
-- make, so nothing is shared with him, and his keys are not handed out,
-- until he accepts. Patients who registered before this migration were
-- already sharing with him: they stay accepted, and he can decline them.
ALTER TABLE users ADD COLUMN care_status TEXT;
UPDATE users SET care_status = 'accepted' WHERE responsible_clinician_id IS NOT NULL;
CREATE INDEX users_patients_of ON users (responsible_clinician_id, care_status);
