/**
 * Schema migrations, applied in order on open and recorded in PRAGMA user_version.
 * A released migration is frozen: fix mistakes with a new one. Never import app code here.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE environments (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        public_url  TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );

      CREATE TABLE organizations (
        id              TEXT PRIMARY KEY,
        environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        display_name    TEXT NOT NULL,
        external_id     TEXT,
        created_at      TEXT NOT NULL,
        UNIQUE (environment_id, external_id)
      );
      CREATE INDEX organizations_environment ON organizations(environment_id);

      CREATE TABLE organization_domains (
        organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        domain           TEXT NOT NULL,
        PRIMARY KEY (organization_id, domain)
      ) WITHOUT ROWID;

      CREATE TABLE scim_directories (
        id                TEXT PRIMARY KEY,
        organization_id   TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name              TEXT,
        token_hash        TEXT UNIQUE,
        token_created_at  TEXT,
        created_at        TEXT NOT NULL
      );
      CREATE INDEX scim_directories_organization ON scim_directories(organization_id);

      -- A user is its SCIM attributes as stored (JSON, without id and meta) plus the columns that
      -- filters, uniqueness and sorting need on an index.
      CREATE TABLE scim_users (
        seq           INTEGER PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        directory_id  TEXT NOT NULL REFERENCES scim_directories(id) ON DELETE CASCADE,
        user_name     TEXT NOT NULL,
        external_id   TEXT,
        display_name  TEXT,
        active        INTEGER NOT NULL DEFAULT 1,
        attributes    TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        version       INTEGER NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX scim_users_user_name ON scim_users(directory_id, user_name COLLATE NOCASE);
      CREATE INDEX scim_users_external_id ON scim_users(directory_id, external_id);

      CREATE TABLE scim_groups (
        seq           INTEGER PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        directory_id  TEXT NOT NULL REFERENCES scim_directories(id) ON DELETE CASCADE,
        display_name  TEXT NOT NULL,
        external_id   TEXT,
        attributes    TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        version       INTEGER NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups(directory_id, display_name COLLATE NOCASE);
      CREATE INDEX scim_groups_external_id ON scim_groups(directory_id, external_id);

      -- One row per membership, so adding one member never rewrites the group.
      -- member_id names a scim_users or scim_groups row; triggers below keep it consistent.
      CREATE TABLE scim_group_members (
        group_id     TEXT NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
        member_id    TEXT NOT NULL,
        member_type  TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (group_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX scim_group_members_member ON scim_group_members(member_id);

      CREATE TRIGGER scim_users_drop_memberships AFTER DELETE ON scim_users BEGIN
        DELETE FROM scim_group_members WHERE member_id = old.id;
      END;
      CREATE TRIGGER scim_groups_drop_memberships AFTER DELETE ON scim_groups BEGIN
        DELETE FROM scim_group_members WHERE member_id = old.id;
      END;

      -- Every SCIM request, failed ones included. The Authorization header is never stored.
      CREATE TABLE request_log (
        seq            INTEGER PRIMARY KEY,
        time           TEXT NOT NULL,
        directory_id   TEXT REFERENCES scim_directories(id) ON DELETE CASCADE,
        method         TEXT NOT NULL,
        path           TEXT NOT NULL,
        query          TEXT,
        status         INTEGER NOT NULL,
        duration_ms    REAL NOT NULL,
        error_kind     TEXT,
        request_body   TEXT,
        response_body  TEXT,
        user_agent     TEXT,
        remote_address TEXT
      );
      CREATE INDEX request_log_directory ON request_log(directory_id, seq);

      -- Running 'scimctl serve' processes, so other commands can print the live (tunnel) base URL.
      CREATE TABLE running_servers (
        pid         INTEGER PRIMARY KEY,
        local_url   TEXT NOT NULL,
        public_url  TEXT,
        started_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- Bytes of a logged request's stored bodies, so the log can keep to a size budget as well as a
      -- row budget; the index lets the budget be summed and cut without reading any body.
      ALTER TABLE request_log ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE request_log SET bytes = coalesce(length(CAST(request_body AS BLOB)), 0) + coalesce(length(CAST(response_body AS BLOB)), 0);
      CREATE INDEX request_log_bytes ON request_log(seq, bytes);

      -- Pages of a directory's users or groups in creation order, found on an index: listing page
      -- 900 of 100k users walks small index entries instead of reading 90,000 rows' attributes.
      CREATE INDEX scim_users_directory_seq ON scim_users(directory_id, seq);
      CREATE INDEX scim_groups_directory_seq ON scim_groups(directory_id, seq);
    `,
  },
  {
    version: 3,
    sql: `
      -- Soft deletes: a SCIM DELETE hides a user or group from SCIM clients (404, gone from lists and
      -- members) but keeps the row, so the app can still read it, deleted, and deprovision.
      ALTER TABLE scim_users ADD COLUMN deleted_at TEXT;
      ALTER TABLE scim_groups ADD COLUMN deleted_at TEXT;

      -- Names are unique among live resources only: a deleted user's userName may be taken by another
      -- user. A POST of a deleted resource's name revives that row (same id); the small partial index
      -- finds it without scanning the directory.
      DROP INDEX scim_users_user_name;
      CREATE UNIQUE INDEX scim_users_user_name ON scim_users(directory_id, user_name COLLATE NOCASE) WHERE deleted_at IS NULL;
      CREATE INDEX scim_users_deleted_user_name ON scim_users(directory_id, user_name COLLATE NOCASE) WHERE deleted_at IS NOT NULL;
      DROP INDEX scim_groups_display_name;
      CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups(directory_id, display_name COLLATE NOCASE) WHERE deleted_at IS NULL;
      CREATE INDEX scim_groups_deleted_display_name ON scim_groups(directory_id, display_name COLLATE NOCASE) WHERE deleted_at IS NOT NULL;

      -- A directory's resources in creation order, split by whether they are deleted: SCIM listings
      -- page and count live rows on the first, never touching deleted ones; the app API merges both.
      -- They replace version 2's (directory_id, seq) indexes, so a write maintains as many as before.
      DROP INDEX scim_users_directory_seq;
      DROP INDEX scim_groups_directory_seq;
      -- deleted_at is in them (always NULL in the first) only so that SQLite sees they cover a count.
      CREATE INDEX scim_users_live_seq ON scim_users(directory_id, seq, deleted_at) WHERE deleted_at IS NULL;
      CREATE INDEX scim_groups_live_seq ON scim_groups(directory_id, seq, deleted_at) WHERE deleted_at IS NULL;
      CREATE INDEX scim_users_deleted_seq ON scim_users(directory_id, seq, deleted_at) WHERE deleted_at IS NOT NULL;
      CREATE INDEX scim_groups_deleted_seq ON scim_groups(directory_id, seq, deleted_at) WHERE deleted_at IS NOT NULL;

      -- Memberships of deleted users and groups, moved out of scim_group_members when either side is
      -- deleted. scim_group_members thus links only live resources, and SCIM's member rendering and
      -- filters stay exactly as fast; the app API reads both tables.
      CREATE TABLE scim_group_members_retained (
        group_id     TEXT NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
        member_id    TEXT NOT NULL,
        member_type  TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (group_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX scim_group_members_retained_member ON scim_group_members_retained(member_id);
      CREATE TRIGGER scim_users_drop_retained_memberships AFTER DELETE ON scim_users BEGIN
        DELETE FROM scim_group_members_retained WHERE member_id = old.id;
      END;
      CREATE TRIGGER scim_groups_drop_retained_memberships AFTER DELETE ON scim_groups BEGIN
        DELETE FROM scim_group_members_retained WHERE member_id = old.id;
      END;

      -- One primary directory per organization (the app API's organizationId selector reads it).
      ALTER TABLE scim_directories ADD COLUMN is_primary INTEGER NOT NULL DEFAULT 0;
      UPDATE scim_directories SET is_primary = 1 WHERE id IN (
        SELECT (SELECT d.id FROM scim_directories d WHERE d.organization_id = o.id ORDER BY d.created_at, d.id LIMIT 1) FROM organizations o
      );
      CREATE UNIQUE INDEX scim_directories_primary ON scim_directories(organization_id) WHERE is_primary = 1;

      -- API keys for the app API: scoped to one environment, stored only as SHA-256 hashes.
      CREATE TABLE api_keys (
        id              TEXT PRIMARY KEY,
        environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        name            TEXT,
        key_hash        TEXT NOT NULL UNIQUE,
        management      INTEGER NOT NULL,
        created_at      TEXT NOT NULL
      );
      CREATE INDEX api_keys_environment ON api_keys(environment_id);

      -- Values the database keeps for itself, e.g. the key that signs the app API's page tokens.
      CREATE TABLE settings (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO settings (name, value) VALUES ('page_token_key', lower(hex(randomblob(32))));
    `,
  },
  {
    version: 4,
    sql: `
      -- One row per change to a user, a group or a membership, written in the same transaction as
      -- the change. seq is the commit order, and event ids are made from it. It is never reused:
      -- rows go only by trimming the oldest (never the newest), so max(seq) + 1 always grows; no
      -- foreign keys either (a deleted directory's events age out like the rest), and no AUTOINCREMENT,
      -- whose bookkeeping page cost every write another page. data is the app API's JSON of the
      -- resource at that moment. No index: every write would pay for it, and every reader walks seq
      -- from a cursor (a poller, a forward) or from the newest (a person listing), which the key serves.
      CREATE TABLE events (
        seq              INTEGER PRIMARY KEY,
        type             TEXT NOT NULL,
        environment_id   TEXT NOT NULL,
        organization_id  TEXT NOT NULL,
        directory_id     TEXT NOT NULL,
        -- The user or group; for a membership event, the group, and member_id the user.
        resource_id      TEXT NOT NULL,
        member_id        TEXT,
        -- The SCIM request that caused it (matched to its request_log row), if any.
        request_key      TEXT,
        created_at       TEXT NOT NULL,
        data             TEXT NOT NULL
      );

      -- The request_log row of a request that caused events carries the same key.
      ALTER TABLE request_log ADD COLUMN request_key TEXT;
      CREATE INDEX request_log_request_key ON request_log(request_key) WHERE request_key IS NOT NULL;

      -- Every delivery attempt of an event to a webhook URL.
      CREATE TABLE event_deliveries (
        event_seq    INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
        time         TEXT NOT NULL,
        url          TEXT NOT NULL,
        status       INTEGER,
        duration_ms  REAL NOT NULL,
        error        TEXT,
        response     TEXT
      );
      CREATE INDEX event_deliveries_event ON event_deliveries(event_seq);

      -- How far each webhook URL has acknowledged (a 2xx): a restarted serve goes on from there.
      CREATE TABLE webhook_cursors (
        url               TEXT PRIMARY KEY,
        acknowledged_seq  INTEGER NOT NULL,
        updated_at        TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Each environment's webhook signing secret (Standard Webhooks, whsec_…): kept, since every
      -- delivery is signed with it, and stable until rotated.
      CREATE TABLE webhook_secrets (
        environment_id  TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
        secret          TEXT NOT NULL,
        created_at      TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    sql: `
      -- How far each webhook URL has acknowledged the events of one directory, written by a serve
      -- limited to some directories (--env/--directory); webhook_cursors keeps the URL's start and
      -- what a serve of every directory acknowledged. An event of directory d is due for a URL when
      -- its seq is past both. No foreign key to scim_directories: a deleted directory's events stay
      -- (they age out like the rest), and a serve of every directory must still not send again those
      -- a serve limited to it had delivered.
      CREATE TABLE webhook_directory_cursors (
        url               TEXT NOT NULL,
        directory_id      TEXT NOT NULL,
        acknowledged_seq  INTEGER NOT NULL,
        updated_at        TEXT NOT NULL,
        PRIMARY KEY (url, directory_id)
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = migrations[migrations.length - 1]!.version;
