-- Version 15 is another branch's migration (taken by it on merge; this file then goes).
-- It is kept here so that versions have no gap.
SELECT 1;
