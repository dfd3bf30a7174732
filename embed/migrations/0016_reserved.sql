-- Reserved for a migration on another branch: drop on merge.
SELECT 1;
