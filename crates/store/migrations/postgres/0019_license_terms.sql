-- Terms from the license and grace and expiry on a self-hosted server (SPEC §12).
--
-- `license_terms`: the license's feature flags, storage, premium and display dates as one JSON
-- object (kinwarden_core::terms::Terms), written with the rest of the organization whenever a
-- license is applied. NULL on a cloud, whose organizations take their terms from the plan, and
-- on a self-hosted organization made before this migration until its next upload or sync.
ALTER TABLE organizations ADD COLUMN license_terms TEXT;

-- The expiry e-mails sent to owners, one row per organization, `Expires` and notice (30, 7 or 1
-- days before), written in the transaction that queues the mail: a re-run finds the row and
-- sends nothing, and a new license with a later `Expires` starts afresh.
CREATE TABLE license_expiry_notices (
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    expires          BIGINT  NOT NULL,
    days_before      BIGINT  NOT NULL,
    sent_at          BIGINT  NOT NULL,
    recipients       BIGINT  NOT NULL,
    PRIMARY KEY (organization_id, expires, days_before)
);
