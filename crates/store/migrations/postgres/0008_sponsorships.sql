-- Families for Enterprise offers and sponsorships (reference §1.1), the unit billing sync
-- carries between a self-hosted server and the cloud.
CREATE TABLE organization_sponsorships (
    id                               TEXT    PRIMARY KEY,
    -- Set to NULL when the organization is deleted, as the reference does.
    sponsoring_organization_id       TEXT    REFERENCES organizations (id) ON DELETE SET NULL,
    -- Not a foreign key: on a cloud it holds the self-hosted member's id, and a row outlives
    -- its member (marked to delete) until the cloud has heard of its end.
    sponsoring_organization_user_id  TEXT    NOT NULL,
    sponsored_organization_id        TEXT    REFERENCES organizations (id) ON DELETE SET NULL,
    friendly_name                    TEXT,
    offered_to_email                 TEXT,
    plan_sponsorship_type            INTEGER,
    to_delete                        BOOLEAN NOT NULL DEFAULT FALSE,
    -- Milliseconds since the epoch, UTC.
    last_sync_date                   BIGINT,
    valid_until                      BIGINT,
    is_admin_initiated               BOOLEAN NOT NULL DEFAULT FALSE,
    notes                            TEXT
);
CREATE INDEX organization_sponsorships_sponsoring_org
    ON organization_sponsorships (sponsoring_organization_id);
CREATE INDEX organization_sponsorships_sponsored_org
    ON organization_sponsorships (sponsored_organization_id);
CREATE INDEX organization_sponsorships_email
    ON organization_sponsorships (offered_to_email);
-- One sponsorship of their own per member (reference §2.2 step 7). The reference leaves this
-- to the code; the index makes two racing offers end in one row. Admin-initiated rows are
-- many per member and so outside it.
CREATE UNIQUE INDEX organization_sponsorships_one_per_member
    ON organization_sponsorships (sponsoring_organization_user_id)
    WHERE NOT is_admin_initiated;
