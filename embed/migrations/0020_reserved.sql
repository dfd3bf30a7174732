-- Reserved for a migration of another branch: drop on merge.
SELECT 1;
