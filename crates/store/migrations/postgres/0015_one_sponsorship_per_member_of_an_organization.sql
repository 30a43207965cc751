-- A member id is unique only on the server that made it, and a cloud holds the rows of many
-- tenants' servers: one own sponsorship per member *of an organization*. Keyed by the member
-- alone, one tenant's sync naming another tenant's member id was refused (or could block it).
-- The member-only index stays for the sync's lookups by member, without the uniqueness.
DROP INDEX organization_sponsorships_one_per_member;
CREATE UNIQUE INDEX organization_sponsorships_one_per_member
    ON organization_sponsorships (sponsoring_organization_id, sponsoring_organization_user_id)
    WHERE NOT is_admin_initiated;
CREATE INDEX organization_sponsorships_member
    ON organization_sponsorships (sponsoring_organization_user_id)
    WHERE NOT is_admin_initiated;
