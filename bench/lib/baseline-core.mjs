// The work both baselines do per request, independent of the HTTP framework: the same SQL on the same
// schema as scimctl (token check by SHA-256, indexed userName lookup, insert, INSERT OR IGNORE member),
// with no request log, no general filter parser and no attribute normaliser. That is the floor.
import { createHash, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import { newId } from './dataset.mjs';

export const SCIM_JSON = 'application/scim+json; charset=utf-8';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;
const USERNAME_EQ = /^userName\s+eq\s+"((?:[^"\\]|\\.)*)"$/i;

export function openBaseline(path) {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');

  const tokenHash = db.prepare('SELECT token_hash FROM scim_directories WHERE id = ?');
  const byUserName = db.prepare(
    'SELECT id, attributes, created_at, updated_at, version FROM scim_users WHERE directory_id = ? AND user_name = ? COLLATE NOCASE',
  );
  const groupsOf = db.prepare(
    'SELECT g.id AS value, g.display_name AS display FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id WHERE m.member_id = ? ORDER BY g.seq',
  );
  const insertUser = db.prepare(
    `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const groupExists = db.prepare('SELECT 1 FROM scim_groups WHERE id = ? AND directory_id = ?');
  const userExists = db.prepare('SELECT 1 FROM scim_users WHERE id = ? AND directory_id = ?');
  const insertMember = db.prepare("INSERT OR IGNORE INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, 'User')");
  const bumpGroup = db.prepare('UPDATE scim_groups SET updated_at = ?, version = version + 1 WHERE id = ?');

  const error = (status, detail) => ({ status, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail } });

  const render = (row, base, groups) => {
    const { schemas, ...attributes } = JSON.parse(row.attributes);
    const location = `${base}/Users/${row.id}`;
    return {
      schemas,
      id: row.id,
      ...attributes,
      ...(groups.length ? { groups: groups.map((g) => ({ value: g.value, $ref: `${base}/Groups/${g.value}`, display: g.display, type: 'direct' })) } : {}),
      meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location, version: `W/"${row.version}"` },
    };
  };

  return {
    /** Constant-time SHA-256 comparison, like scimctl's tokenMatches. */
    authorized(directoryId, header) {
      const row = tokenHash.get(directoryId);
      const match = header ? BEARER.exec(header) : null;
      if (!row || !row.token_hash || !match) return false;
      const actual = createHash('sha256').update(match[1], 'utf8').digest();
      return timingSafeEqual(actual, Buffer.from(row.token_hash, 'hex'));
    },

    listByUserName(directoryId, filter, base) {
      const match = typeof filter === 'string' ? USERNAME_EQ.exec(filter.trim()) : null;
      if (!match) return error(400, 'baseline supports only filter=userName eq "…"');
      const row = byUserName.get(directoryId, match[1].replace(/\\(.)/g, '$1'));
      const resources = row ? [render(row, base, groupsOf.all(row.id))] : [];
      return { status: 200, body: { schemas: [LIST_RESPONSE], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources } };
    },

    createUser(directoryId, body, base) {
      if (!body || typeof body !== 'object' || typeof body.userName !== 'string' || body.userName.trim() === '') return error(400, 'userName is required');
      const { id: _id, meta: _meta, ...attributes } = body;
      const id = newId('scim_user');
      const now = new Date().toISOString();
      const str = (v) => (typeof v === 'string' ? v : null);
      try {
        insertUser.run(id, directoryId, attributes.userName, str(attributes.externalId), str(attributes.displayName), attributes.active === false ? 0 : 1, JSON.stringify(attributes), now, now);
      } catch (e) {
        if (e && e.code === 'SQLITE_CONSTRAINT_UNIQUE') return error(409, 'userName is already taken');
        throw e;
      }
      const row = { id, attributes: JSON.stringify(attributes), created_at: now, updated_at: now, version: 1 };
      return { status: 201, body: render(row, base, []), location: `${base}/Users/${id}` };
    },

    /** Entra's `{"op":"Add","path":"members","value":[{"value":id}]}`; other operations are out of scope. */
    addMembers(directoryId, groupId, body) {
      const ops = body && Array.isArray(body.Operations) ? body.Operations : null;
      if (!ops) return error(400, 'a PATCH body needs an Operations array');
      const ids = [];
      for (const op of ops) {
        if (String(op.op).toLowerCase() !== 'add' || String(op.path).toLowerCase() !== 'members' || !Array.isArray(op.value)) {
          return error(400, 'baseline supports only add members');
        }
        for (const v of op.value) ids.push(String(v.value));
      }
      return db.transaction(() => {
        if (!groupExists.get(groupId, directoryId)) return error(404, `Group ${groupId} not found`);
        for (const id of ids) {
          if (!userExists.get(id, directoryId)) return error(400, `member ${id} is not a user of this directory`);
          insertMember.run(groupId, id);
        }
        bumpGroup.run(new Date().toISOString(), groupId);
        return { status: 204 };
      }).immediate();
    },

    error,
    close: () => db.close(),
  };
}

/** `--db <file> [--port <n>] [--host <h>]`, the subset of `scimctl serve` flags the bench passes. */
export function parseArgs(argv) {
  const get = (flag, fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const db = get('--db');
  if (!db) throw new Error('usage: --db <file> [--port <n>] [--host <h>]');
  return { db, port: Number(get('--port', '0')), host: get('--host', '127.0.0.1') };
}

/** Listen, announce {"url"} on stdout (what bench/lib/servers.mjs waits for), and close cleanly on a signal. */
export function serveBaseline(server, args, api) {
  server.listen(args.port, args.host, () => {
    const { port } = server.address();
    process.stdout.write(JSON.stringify({ url: `http://${args.host}:${port}` }) + '\n');
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.close(() => api.close());
      server.closeIdleConnections();
    });
  }
}
