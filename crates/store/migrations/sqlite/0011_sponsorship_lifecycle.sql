-- The cloud announces a sponsorship's end once (the revert e-mail, SPEC §5 step 9): when it was
-- sent, in milliseconds since the epoch; NULL until then.
ALTER TABLE organization_sponsorships ADD COLUMN revert_mailed_at INTEGER;

-- Why the cloud left a sponsorship out of the last sync that carried it (SPEC §6): kept on the
-- self-hosted server beside the offer, keyed by the offering member, until a later sync takes it.
CREATE TABLE sponsorship_sync_skips (
    sponsoring_organization_user_id  TEXT    PRIMARY KEY,
    organization_id                  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    reason                           TEXT    NOT NULL,
    recorded_at                      INTEGER NOT NULL
);
CREATE INDEX sponsorship_sync_skips_org ON sponsorship_sync_skips (organization_id);
