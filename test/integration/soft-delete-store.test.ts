import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { ConflictError, InvalidReferenceError } from '../../src/store/errors.js';
import { useTempDbs } from '../helpers/cli.js';
import { rawDb } from '../helpers/db.js';

const temp = useTempDbs();
const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

function open(directories = 1): { store: Store; dirs: string[] } {
  const store = new Store(temp().db);
  stores.push(store);
  const env = store.environments.create({ name: 'test', publicUrl: 'http://localhost:8080' });
  const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
  const dirs = [];
  for (let i = 0; i < directories; i++) dirs.push(store.directories.create({ organizationId: org.id, name: `dir${i}` }).directory.id);
  return { store, dirs };
}

const NOW = '2026-01-01T00:00:00.000Z';

describe('soft deletes in the store', () => {
  it('delete is false for a deleted, unknown or other directory\'s resource; locate and includeDeleted still see it', () => {
    const { store, dirs } = open(2);
    const [a, b] = dirs as [string, string];
    const ann = store.users.create(a, { userName: 'ann' }, NOW);
    expect(store.users.delete(b, ann.id, NOW)).toBe(false);
    expect(store.users.delete(a, ann.id, NOW)).toBe(true);
    expect(store.users.delete(a, ann.id, NOW)).toBe(false);
    expect(store.users.delete(a, 'scim_user_nope', NOW)).toBe(false);
    expect(store.users.find(a, ann.id)).toBeUndefined();
    expect(store.users.locate(ann.id)).toMatchObject({ id: ann.id, deletedAt: NOW, version: 2 });
    expect(store.users.list(a, { startIndex: 1, count: 10 }).total).toBe(0);
    expect(store.users.list(a, { startIndex: 1, count: 10, includeDeleted: true }).resources.map((r) => r.id)).toEqual([ann.id]);
    expect(store.users.snapshot(a)).toEqual([]);
    expect(store.users.deletedIdByName(a, 'ANN')).toBe(ann.id);
    expect(store.users.deletedIdByName(b, 'ann')).toBeUndefined();
  });

  it('export\'s memberships and the CLI\'s member counts leave deleted members out', () => {
    const { store, dirs } = open();
    const d = dirs[0]!;
    const ann = store.users.create(d, { userName: 'ann' }, NOW);
    const ben = store.users.create(d, { userName: 'ben' }, NOW);
    const g = store.groups.create(d, { displayName: 'G' }, [{ value: ann.id }, { value: ben.id }], NOW);
    store.users.delete(d, ann.id, NOW);
    expect(store.groups.memberships(d)).toEqual([{ groupId: g.id, memberId: ben.id, memberType: 'User' }]);
    expect(store.groups.memberCounts([g.id])).toEqual(new Map([[g.id, 1]]));
    expect(store.users.groupsOf(ann.id)).toEqual([]);
  });

  it('a revival that would clash with a live name is a ConflictError and leaves the row deleted', () => {
    const { store, dirs } = open();
    const d = dirs[0]!;
    const old = store.users.create(d, { userName: 'ann' }, NOW);
    const ben = store.users.create(d, { userName: 'ben' }, NOW);
    store.users.delete(d, old.id, NOW);
    store.users.replace(ben, { userName: 'ANN' }, NOW);
    expect(() => store.users.create(d, { userName: 'ann' }, NOW)).toThrow(ConflictError);
    expect(store.users.locate(old.id)!.deletedAt).toBe(NOW);
  });

  it('a group revival whose members are bad rolls back whole', () => {
    const { store, dirs } = open();
    const d = dirs[0]!;
    const ann = store.users.create(d, { userName: 'ann' }, NOW);
    const g = store.groups.create(d, { displayName: 'G' }, [{ value: ann.id }], NOW);
    store.groups.delete(d, g.id, NOW);
    expect(() => store.groups.create(d, { displayName: 'G' }, [{ value: g.id }], NOW)).toThrow(InvalidReferenceError);
    expect(store.groups.locate(g.id)).toMatchObject({ deletedAt: NOW, version: 2 });
    expect(rawDb(store).prepare('SELECT member_id FROM scim_group_members_retained WHERE group_id = ?').pluck().all(g.id)).toEqual([ann.id]);
  });

  it('a revived user leaves the deleted groups it was in with it as a member, and goes from the live ones', () => {
    const { store, dirs } = open();
    const d = dirs[0]!;
    const ann = store.users.create(d, { userName: 'ann' }, NOW);
    const old = store.groups.create(d, { displayName: 'Old' }, [{ value: ann.id }], NOW);
    const live = store.groups.create(d, { displayName: 'Live' }, [{ value: ann.id }], NOW);
    store.users.delete(d, ann.id, NOW);
    store.groups.delete(d, old.id, NOW);
    const retained = (group: string) => rawDb(store).prepare('SELECT member_id FROM scim_group_members_retained WHERE group_id = ?').pluck().all(group);
    expect([retained(old.id), retained(live.id)]).toEqual([[ann.id], [ann.id]]);
    expect(store.users.create(d, { userName: 'ann' }, NOW).id).toBe(ann.id);
    // The deleted group still shows the member it had; the live group does not get the new incarnation back.
    expect([retained(old.id), retained(live.id)]).toEqual([[ann.id], []]);
    expect(store.groups.members(live.id)).toEqual([]);
  });

  it('keeps its invariants through a long random run of creates, deletes, revivals, renames and member changes', () => {
    const { store, dirs } = open();
    const d = dirs[0]!;
    const db = rawDb(store);
    // A small deterministic PRNG (mulberry32), so a failure replays.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T | undefined => (items.length ? items[Math.floor(random() * items.length)] : undefined);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const ids = (table: string, live: boolean) =>
      db.prepare(`SELECT id FROM ${table} WHERE directory_id = ? AND deleted_at IS ${live ? 'NULL' : 'NOT NULL'}`).pluck().all(d) as string[];
    let sawRetained = false;
    const revived = new Set<string>();
    let deleted = new Set<string>();
    const attempt = (write: () => unknown) => {
      try {
        const result = write() as { id?: string } | undefined;
        // A create that answered with a deleted resource's id revived it.
        if (result?.id !== undefined && deleted.has(result.id)) revived.add(result.id.startsWith('scim_user') ? 'User' : 'Group');
      } catch (error) {
        if (!(error instanceof ConflictError) && !(error instanceof InvalidReferenceError)) throw error;
      }
    };

    for (let step = 0; step < 1500; step++) {
      const liveUsers = ids('scim_users', true);
      const liveGroups = ids('scim_groups', true);
      deleted = new Set([...ids('scim_users', false), ...ids('scim_groups', false)]);
      const everything = [...liveUsers, ...liveGroups, ...deleted];
      const name = pick(names)!;
      switch (Math.floor(random() * 8)) {
        case 0:
          attempt(() => store.users.create(d, { userName: random() < 0.5 ? name : name.toUpperCase() }, NOW));
          break;
        case 1:
          // Now and then a deleted member, which must fail the whole create (revival included).
          attempt(() => store.groups.create(d, { displayName: name }, [random() < 0.1 ? pick(everything) : pick(liveGroups), pick(liveUsers)].flatMap((v) => (v ? [{ value: v }] : [])), NOW));
          break;
        case 2: {
          const id = pick(liveUsers);
          if (id) store.users.delete(d, id, NOW);
          break;
        }
        case 3: {
          const id = pick(liveGroups);
          if (id) store.groups.delete(d, id, NOW);
          break;
        }
        case 4: {
          const id = pick(liveUsers);
          if (id) attempt(() => store.users.replace({ id, directoryId: d }, { userName: name }, NOW));
          break;
        }
        case 5: {
          const id = pick(liveGroups);
          if (id) attempt(() => store.groups.update({ id, directoryId: d }, { displayName: name }, undefined, NOW));
          break;
        }
        case 6: {
          const id = pick(liveGroups);
          const member = pick(everything);
          if (id && member) attempt(() => store.groups.update({ id, directoryId: d }, undefined, { replaceAll: false, add: [{ value: member }], remove: [] }, NOW));
          break;
        }
        default: {
          const id = pick(liveGroups);
          const member = pick(everything);
          if (id && member) store.groups.update({ id, directoryId: d }, undefined, { replaceAll: random() < 0.2, add: [], remove: [member] }, NOW);
        }
      }

      const live = `SELECT id FROM scim_users WHERE deleted_at IS NULL UNION ALL SELECT id FROM scim_groups WHERE deleted_at IS NULL`;
      // Live memberships link live resources only.
      expect(db.prepare(`SELECT count(*) FROM scim_group_members WHERE group_id NOT IN (${live}) OR member_id NOT IN (${live})`).pluck().get(), `step ${step}`).toBe(0);
      // A retained membership has a deleted side (a revival drops the ones it had).
      expect(db.prepare(`SELECT count(*) FROM scim_group_members_retained WHERE group_id IN (${live}) AND member_id IN (${live})`).pluck().get(), `step ${step}`).toBe(0);
      // No membership is in both tables (the app API's member listing merges them with UNION ALL).
      expect(db.prepare('SELECT count(*) FROM scim_group_members m JOIN scim_group_members_retained r USING (group_id, member_id)').pluck().get(), `step ${step}`).toBe(0);
      // Every membership names a row that exists.
      const all = 'SELECT id FROM scim_users UNION ALL SELECT id FROM scim_groups';
      expect(db.prepare(`SELECT count(*) FROM scim_group_members_retained WHERE member_id NOT IN (${all})`).pluck().get(), `step ${step}`).toBe(0);
      // Live names are unique, case-insensitively.
      expect(db.prepare('SELECT count(*) FROM (SELECT 1 FROM scim_users WHERE deleted_at IS NULL GROUP BY lower(user_name) HAVING count(*) > 1)').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM (SELECT 1 FROM scim_groups WHERE deleted_at IS NULL GROUP BY lower(display_name) HAVING count(*) > 1)').pluck().get()).toBe(0);
      sawRetained ||= (db.prepare('SELECT count(*) FROM scim_group_members_retained').pluck().get() as number) > 0;
    }
    // The run did exercise revivals and both tables.
    expect(db.prepare('SELECT max(version) FROM scim_users').pluck().get()).toBeGreaterThan(5);
    expect(sawRetained).toBe(true);
    expect([...revived].sort()).toEqual(['Group', 'User']);
  });
});
