-- System Administrator Portal login links that were used (SPEC §9): each works once.
CREATE TABLE admin_login_links_used (
    link_id  TEXT PRIMARY KEY,
    used_at  BIGINT NOT NULL
);
