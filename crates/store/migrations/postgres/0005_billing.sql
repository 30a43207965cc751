-- The cloud's billing ledger and organization API keys (SPEC §5 steps 1 and 4).

-- One row per agreed period or change within one; no card processor. `kind` is one of
-- initial, renewal, seatChange, planChange, paymentRecorded. A NULL end is an open period (Free).
CREATE TABLE subscription_periods (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    start_date       BIGINT NOT NULL,
    end_date         BIGINT,
    plan_type        INTEGER NOT NULL,
    seats            INTEGER,
    -- The user who made the change; NULL for the system or a system administrator.
    recorded_by      TEXT,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX subscription_periods_org ON subscription_periods (organization_id, created_at);

-- Organization API keys (reference §1.3); type 1 is the billing sync token. The key is
-- AES-256-GCM ciphertext under bwdata/core/data.key, never the key itself. One key per type.
CREATE TABLE organization_api_keys (
    id                 TEXT    PRIMARY KEY,
    organization_id    TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    type               INTEGER NOT NULL,
    api_key_encrypted  TEXT    NOT NULL,
    revision_date      BIGINT NOT NULL,
    UNIQUE (organization_id, type)
);
