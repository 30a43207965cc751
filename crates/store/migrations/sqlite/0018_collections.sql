-- Organizations share items (SPEC §11): collections hold an organization's items; members and
-- groups reach collections with an access level; four organization settings say who may manage
-- them. Names are encrypted under the organization key; the server never reads them.

ALTER TABLE organizations ADD COLUMN limit_collection_creation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN limit_collection_deletion INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN limit_item_deletion INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN allow_admin_access_to_all_collection_items INTEGER NOT NULL DEFAULT 0;

-- `type` 0 is a shared collection, 1 a member's own ("My Items").
CREATE TABLE collections (
    id                              TEXT    PRIMARY KEY,
    organization_id                 TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                            TEXT    NOT NULL,
    external_id                     TEXT,
    type                            INTEGER NOT NULL DEFAULT 0,
    default_user_collection_email   TEXT,
    created_at                      INTEGER NOT NULL,
    revision_date                   INTEGER NOT NULL
);
CREATE INDEX collections_organization ON collections (organization_id);

CREATE TABLE groups (
    id               TEXT    PRIMARY KEY,
    organization_id  TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    external_id      TEXT,
    created_at       INTEGER NOT NULL,
    revision_date    INTEGER NOT NULL
);
CREATE INDEX groups_organization ON groups (organization_id);

CREATE TABLE group_users (
    group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES organization_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_users_member ON group_users (member_id);

-- A member's own access to a collection; it replaces whatever their groups give them there.
CREATE TABLE collection_users (
    collection_id   TEXT    NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    member_id       TEXT    NOT NULL REFERENCES organization_users (id) ON DELETE CASCADE,
    read_only       INTEGER NOT NULL DEFAULT 0,
    hide_passwords  INTEGER NOT NULL DEFAULT 0,
    manage          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (collection_id, member_id)
);
CREATE INDEX collection_users_member ON collection_users (member_id);

CREATE TABLE collection_groups (
    collection_id   TEXT    NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    group_id        TEXT    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    read_only       INTEGER NOT NULL DEFAULT 0,
    hide_passwords  INTEGER NOT NULL DEFAULT 0,
    manage          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (collection_id, group_id)
);
CREATE INDEX collection_groups_group ON collection_groups (group_id);

-- Which collections hold an organization's item; an item in none is reached by admins only.
CREATE TABLE collection_ciphers (
    collection_id   TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    cipher_id       TEXT NOT NULL REFERENCES ciphers (id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, cipher_id)
);
CREATE INDEX collection_ciphers_cipher ON collection_ciphers (cipher_id);
