-- A sync with nothing changed writes almost nothing (SPEC §10, ARCHITECTURE "Protocol cost"):
-- instead of rewriting every row's last_sync_date, each side records when it last synced an
-- organization, and a row's sync date is the later of its own and its organization's stamp.
-- A row gets a date of its own when it is written for another reason (new, changed, or first
-- synced); a row that never synced keeps NULL (Awaiting Sync) whatever the stamp says.
CREATE TABLE sponsorship_sync_stamps (
    organization_id  TEXT    PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    -- Milliseconds since the epoch, UTC.
    synced_at        INTEGER  NOT NULL
);

-- The rows as the sync dates make them: read sponsorships from here, write them to the table.
CREATE VIEW sponsorships_as_synced AS
SELECT s.id, s.sponsoring_organization_id, s.sponsoring_organization_user_id,
       s.sponsored_organization_id, s.friendly_name, s.offered_to_email,
       s.plan_sponsorship_type, s.to_delete,
       CASE WHEN s.last_sync_date IS NOT NULL AND t.synced_at > s.last_sync_date
            THEN t.synced_at ELSE s.last_sync_date END AS last_sync_date,
       s.valid_until, s.is_admin_initiated, s.notes, s.revert_mailed_at
FROM organization_sponsorships s
LEFT JOIN sponsorship_sync_stamps t ON t.organization_id = s.sponsoring_organization_id;

-- A cloud sync batch reads its members' rows by member id: a member's own row through
-- organization_sponsorships_one_per_member, the (rare) admin-initiated ones through this.
CREATE INDEX organization_sponsorships_admin_initiated
    ON organization_sponsorships (sponsoring_organization_user_id)
    WHERE is_admin_initiated;
