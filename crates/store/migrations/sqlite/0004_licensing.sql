-- Licensing on the cloud (reference §1.4, §1.5, §5.1 L5).

-- The secret shared by a cloud organization and its licenses. Made at creation for new
-- organizations, and on the first license download for those made before this migration.
ALTER TABLE organizations ADD COLUMN license_key TEXT;

-- Which installation an organization's license was downloaded for. One row per installation:
-- a second organization downloading for the same installation leaves the row as it is.
CREATE TABLE organization_installations (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    installation_id  TEXT    NOT NULL UNIQUE REFERENCES installations (id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL,
    revision_date    INTEGER NOT NULL
);
CREATE INDEX organization_installations_org ON organization_installations (organization_id);
