-- Organization connections (reference §1.2): on a self-hosted server, the billing sync
-- connection to the cloud organization. Config is JSON with PascalCase names, as Bitwarden
-- stores it.
CREATE TABLE organization_connections (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    type             INTEGER NOT NULL,
    enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    config           TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX organization_connections_org ON organization_connections (organization_id, type);

-- What each cloud exchange came to (SPEC §6 "Every outcome is recorded"): license syncs now,
-- sponsorship syncs later. Counts are a small JSON object.
CREATE TABLE sync_outcomes (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    started_by       TEXT    NOT NULL,
    started_at       BIGINT NOT NULL,
    finished_at      BIGINT NOT NULL,
    succeeded        BOOLEAN NOT NULL DEFAULT FALSE,
    code             TEXT,
    message          TEXT,
    counts           TEXT
);
CREATE INDEX sync_outcomes_org ON sync_outcomes (organization_id, kind, started_at);
