// Builds benchmark databases: the schema comes from the built CLI itself (it migrates on open), the rows
// from one prepared-INSERT transaction shaped like what an Entra provisioning run leaves behind.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Same shape as src/core/ids.ts: prefix, 10 chars of time, 16 random (Crockford base32). */
export function newId(prefix, now = Date.now()) {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += ALPHABET[byte & 31];
  return `${prefix}_${time}${random}`;
}

const GIVEN = ['adele', 'alex', 'allan', 'bianca', 'brian', 'cameron', 'christie', 'debra', 'diego', 'emily', 'enrico', 'grady', 'henrietta', 'irvin', 'isaiah', 'johanna', 'joni', 'lee', 'lidia', 'lynne', 'megan', 'miriam', 'nestor', 'patti', 'pradeep', 'raul', 'sam', 'sara', 'vince', 'wilna'];
const FAMILY = ['vance', 'wilber', 'deyoung', 'pinkerton', 'johnson', 'white', 'cline', 'berg', 'siciliani', 'braun', 'catteneo', 'archie', 'mueller', 'bellinger', 'langer', 'lorenz', 'sherman', 'gu', 'holloway', 'robbins', 'bowen', 'graham', 'wilke', 'fernandez', 'gupta', 'razo', 'perez', 'davis', 'martin', 'kowalski'];
const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Legal', 'Marketing', 'Operations', 'Support', 'Research'];
const TITLES = ['Account Manager', 'Software Engineer', 'Controller', 'Counsel', 'Designer', 'Director', 'Support Engineer', 'Scientist'];

/** The i-th regular user's userName; deterministic so load generators need no lookup table. */
export function userNameOf(i) {
  return `${GIVEN[i % GIVEN.length]}.${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]}.${i}@contoso.example`;
}

/** An Entra-style user body (the POST shape); `meta` is what Entra sends and the server must ignore. */
export function entraUserBody(userName, i, externalId = randomUuid()) {
  const given = GIVEN[i % GIVEN.length];
  const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length];
  const cap = (s) => s[0].toUpperCase() + s.slice(1);
  return {
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId,
    userName,
    active: true,
    displayName: `${cap(given)} ${cap(family)}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${cap(given)} ${cap(family)}`, familyName: cap(family), givenName: cap(given) },
    title: TITLES[i % TITLES.length],
    [ENTERPRISE_USER]: { department: DEPARTMENTS[i % DEPARTMENTS.length], employeeNumber: String(100000 + i) },
  };
}

export function randomUuid() {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const hashToken = (token) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Let the built CLI create (migrate) an empty database, so the schema is exactly the shipped one:
 * seeding an empty fixture creates it (read commands such as `env list` never create a database).
 */
export function createSchema(cliPath, dbPath) {
  removeDb(dbPath);
  const result = spawnSync(process.execPath, [cliPath, '--db', dbPath, 'seed', '-', '--json'], { encoding: 'utf8', input: '{"version":1,"environments":[]}' });
  if (result.status !== 0) throw new Error(`scimctl seed of an empty fixture failed creating ${dbPath}: ${result.stderr || result.stdout}`);
}

export function removeDb(path) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

export function copyDb(from, to) {
  removeDb(to);
  copyFileSync(from, to);
}

/**
 * Fill a freshly migrated database. Layout:
 * - `users` regular users, all members of one "All employees" group (the 100k-member group at 100k);
 * - `loadGroups` groups of 10 members each, targets of the PATCH throughput load;
 * - `smallGroups` groups of 10 members each, for the add-member latency comparison;
 * - `spare` users in no group, added to groups by the add-member latency comparison.
 */
export function fillDataset(path, { users, spare = 0, loadGroups = 20, smallGroups = 0 }) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const now = new Date().toISOString();
  const token = `scimctl_sk_${randomBytes(32).toString('base64url')}`;
  const apiKey = `scimctl_ak_${randomBytes(32).toString('base64url')}`;
  const envId = newId('env');
  const orgId = newId('org');
  const directoryId = newId('scim_directory');
  const userIds = new Array(users);
  const spareIds = new Array(spare);
  const groupIds = { all: newId('scim_group'), load: [], small: [] };

  const insertUser = db.prepare(
    `INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 1)`,
  );
  const insertGroup = db.prepare(
    `INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const insertMember = db.prepare(`INSERT INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, 'User')`);
  const addUser = (id, userName, i) => {
    const { meta: _ignored, ...attributes } = entraUserBody(userName, i);
    insertUser.run(id, directoryId, userName, attributes.externalId, attributes.displayName, JSON.stringify(attributes), now, now);
  };
  const addGroup = (id, name) => {
    const attributes = { schemas: [CORE_GROUP], displayName: name, externalId: randomUuid() };
    insertGroup.run(id, directoryId, name, attributes.externalId, JSON.stringify(attributes), now, now);
  };

  db.transaction(() => {
    db.prepare('INSERT INTO environments (id, name, public_url, created_at) VALUES (?, ?, ?, ?)').run(envId, 'bench', 'http://localhost:8080', now);
    db.prepare('INSERT INTO organizations (id, environment_id, display_name, external_id, created_at) VALUES (?, ?, ?, ?, ?)').run(orgId, envId, 'Contoso (bench)', null, now);
    db.prepare('INSERT INTO scim_directories (id, organization_id, name, token_hash, token_created_at, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      directoryId, orgId, 'bench', hashToken(token), now, now,
    );
    // Schema 3 on (primary directories, API keys); BENCH_CLI may point at an older build for an A/B run.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'api_keys'").get()) {
      db.prepare('UPDATE scim_directories SET is_primary = 1 WHERE id = ?').run(directoryId);
      db.prepare('INSERT INTO api_keys (id, environment_id, name, key_hash, management, created_at) VALUES (?, ?, ?, ?, 0, ?)').run(newId('api_key'), envId, 'bench', hashToken(apiKey), now);
    }
    for (let i = 0; i < users; i++) {
      userIds[i] = newId('scim_user');
      addUser(userIds[i], userNameOf(i), i);
    }
    for (let i = 0; i < spare; i++) {
      spareIds[i] = newId('scim_user');
      addUser(spareIds[i], `spare.${i}@contoso.example`, i);
    }
    addGroup(groupIds.all, 'All employees');
    for (const id of userIds) insertMember.run(groupIds.all, id);
    // Ten members each, taken from the front of the user list (so those users are in two groups).
    let next = 0;
    const tenMembers = (groupId) => {
      for (let k = 0; k < 10; k++) insertMember.run(groupId, userIds[next++ % users]);
    };
    for (let g = 0; g < loadGroups; g++) {
      const id = newId('scim_group');
      groupIds.load.push(id);
      addGroup(id, `Load group ${g}`);
      tenMembers(id);
    }
    for (let g = 0; g < smallGroups; g++) {
      const id = newId('scim_group');
      groupIds.small.push(id);
      addGroup(id, `Small group ${g}`);
      tenMembers(id);
    }
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { path, token, apiKey, directoryId, users, userIds, spareIds, groupIds };
}
