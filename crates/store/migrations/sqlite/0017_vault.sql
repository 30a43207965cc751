-- The vault (SPEC §11): items ("ciphers"), folders, what an item is to each user (folder,
-- favourite, archive), and attached files. Encrypted strings are stored as the client sent them;
-- the server never reads them. Times are integer milliseconds since the epoch, UTC.

CREATE TABLE folders (
    id             TEXT    PRIMARY KEY,
    user_id        TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    revision_date  INTEGER NOT NULL
);
CREATE INDEX folders_user ON folders (user_id);

-- A personal item has a user and no organization, an organization's item the reverse.
-- `data` is the item's document: PascalCase JSON without nulls, or the client's whole
-- encrypted blob.
CREATE TABLE ciphers (
    id               TEXT    PRIMARY KEY,
    user_id          TEXT    REFERENCES users (id) ON DELETE CASCADE,
    organization_id  TEXT    REFERENCES organizations (id) ON DELETE CASCADE,
    type             INTEGER NOT NULL,
    data             TEXT    NOT NULL,
    reprompt         INTEGER,
    key              TEXT,
    created_at       INTEGER NOT NULL,
    revision_date    INTEGER NOT NULL,
    deleted_at       INTEGER,
    CHECK ((user_id IS NULL) <> (organization_id IS NULL))
);
CREATE INDEX ciphers_user ON ciphers (user_id);
CREATE INDEX ciphers_organization ON ciphers (organization_id);
-- The trash job looks only at items in the trash.
CREATE INDEX ciphers_trash ON ciphers (deleted_at) WHERE deleted_at IS NOT NULL;

-- What an item is to one user: their folder, favourite mark and archive date. A row exists only
-- when one of them is set.
CREATE TABLE cipher_marks (
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cipher_id    TEXT    NOT NULL REFERENCES ciphers (id) ON DELETE CASCADE,
    folder_id    TEXT    REFERENCES folders (id) ON DELETE SET NULL,
    favorite     INTEGER NOT NULL DEFAULT 0,
    archived_at  INTEGER,
    PRIMARY KEY (user_id, cipher_id)
);
CREATE INDEX cipher_marks_cipher ON cipher_marks (cipher_id);
CREATE INDEX cipher_marks_folder ON cipher_marks (folder_id);

-- Files attached to items; the bytes live in the attachment store under the cipher's and the
-- attachment's ids. `validated` turns true once the upload has arrived whole.
CREATE TABLE attachments (
    id          TEXT    PRIMARY KEY,
    cipher_id   TEXT    NOT NULL REFERENCES ciphers (id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    key         TEXT,
    size        INTEGER NOT NULL,
    validated   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX attachments_cipher ON attachments (cipher_id);
