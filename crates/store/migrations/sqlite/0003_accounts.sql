-- Accounts, refresh tokens, installations, organizations and their members.
-- Ids are lowercase hyphenated UUIDs as TEXT; times are integer milliseconds since the epoch, UTC.

CREATE TABLE users (
    id                    TEXT    PRIMARY KEY,
    email                 TEXT    NOT NULL UNIQUE,
    name                  TEXT,
    email_verified        INTEGER NOT NULL DEFAULT 0,
    -- The server-side PBKDF2 of the hash the client sends, its salt and iteration count.
    password_hash         TEXT    NOT NULL,
    password_salt         TEXT    NOT NULL,
    password_iterations   INTEGER NOT NULL,
    master_password_hint  TEXT,
    kdf                   INTEGER NOT NULL,
    kdf_iterations        INTEGER NOT NULL,
    kdf_memory            INTEGER,
    kdf_parallelism       INTEGER,
    user_key              TEXT    NOT NULL,
    public_key            TEXT,
    private_key           TEXT,
    user_key_id           TEXT,
    security_stamp        TEXT    NOT NULL,
    api_key               TEXT    NOT NULL,
    culture               TEXT    NOT NULL DEFAULT 'en-US',
    revision_date         INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

-- Refresh tokens are stored as SHA-256 digests: a dump does not let anyone log in.
CREATE TABLE refresh_tokens (
    token_hash   TEXT    PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    TEXT    NOT NULL,
    device       TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Self-hosted servers registered with this cloud. The key is shown once and kept as a digest.
CREATE TABLE installations (
    id               TEXT    PRIMARY KEY,
    email            TEXT    NOT NULL,
    key_hash         TEXT    NOT NULL,
    enabled          INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    last_activity_at INTEGER
);

CREATE TABLE organizations (
    id               TEXT    PRIMARY KEY,
    name             TEXT    NOT NULL,
    billing_email    TEXT    NOT NULL,
    plan_type        INTEGER NOT NULL,
    seats            INTEGER,
    max_collections  INTEGER,
    enabled          INTEGER NOT NULL DEFAULT 1,
    expiration_date  INTEGER,
    public_key       TEXT,
    private_key      TEXT,
    revision_date    INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE organization_users (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          TEXT    REFERENCES users (id) ON DELETE CASCADE,
    -- The invited address, until the invitation is accepted.
    email            TEXT,
    -- The organization key wrapped for the member (EncString type 4), set at confirmation.
    key              TEXT,
    status           INTEGER NOT NULL,
    type             INTEGER NOT NULL,
    permissions      TEXT,
    access_secrets_manager INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (organization_id, user_id),
    UNIQUE (organization_id, email)
);
CREATE INDEX organization_users_user ON organization_users (user_id);
