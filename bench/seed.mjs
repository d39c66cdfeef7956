// Seeding benchmark: `scimctl seed` of 100k users and 1k groups into an empty database, in users/s,
// beside the raw insert rate of better-sqlite3 on the same machine in the same run.
//
//   npm run build && node bench/seed.mjs      (BENCH_SEED_USERS, BENCH_SEED_GROUPS, BENCH_SEED_RUNS)
//
// What is timed, and why:
// - scimctl: the built CLI exactly as CI runs it, `node bin/scimctl.js --db <empty> seed <file> --json`,
//   wall clock from spawn to exit: Node start-up, reading and parsing the file, validating every user
//   through the SCIM normalizer, writing, committing, closing. That is the number a CI job sees.
// - raw: this process, the same rows (same ids shape, same attribute JSON, same memberships) into a
//   database with scimctl's schema and pragmas, as plain prepared INSERTs in one transaction, plus the
//   same closing checkpoint. Rows are built before the clock starts: it measures SQLite alone.
// Runs alternate scimctl/raw so both see the same machine load; the median of each is reported.
// Then one more seed in-process (src/ bundled with esbuild, as the CLI is) times its phases, to show
// where the time beyond the raw inserts goes.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { generateFixture } from '../fixtures/generate-large.mjs';
import { createSchema } from './lib/dataset.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/scimctl.js');
const USERS = Number(process.env.BENCH_SEED_USERS ?? 100_000);
const GROUPS = Number(process.env.BENCH_SEED_GROUPS ?? 1_000);
const RUNS = Math.max(1, Number(process.env.BENCH_SEED_RUNS ?? 3));
const TARGET_RATE = 30_000;
const TARGET_RATIO = 0.3;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const work = mkdtempSync(join(os.tmpdir(), 'scimctl-bench-seed-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const freshDb = (name) => {
  const path = join(work, name);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  return path;
};

console.log(`Generating ${USERS.toLocaleString('en-US')} users and ${GROUPS.toLocaleString('en-US')} groups (fixtures/generate-large.mjs, seed 1)…`);
const fixture = generateFixture({ users: USERS, groups: GROUPS, seed: 1 });
const fixtureFile = join(work, 'fixture.json');
writeFileSync(fixtureFile, JSON.stringify(fixture));
const directory = fixture.environments[0].organizations[0].directories[0];
const memberships = directory.groups.reduce((n, g) => n + g.members.length, 0);

// ---------------------------------------------------------------------------------------------- scimctl
function runSeed() {
  const db = freshDb('seed.db');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, '--db', db, 'seed', fixtureFile, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`scimctl seed exited ${code}: ${stderr}`));
      const report = JSON.parse(stdout);
      if (report.counts.users.created !== USERS) return reject(new Error(`scimctl seed created ${report.counts.users.created} users`));
      resolve(seconds);
    });
  });
}

// ---------------------------------------------------------------------------------------------- raw
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** Same shape as src/core/ids.ts, so index entries have the same size and order. */
function newId(prefix, now = Date.now()) {
  let time = '';
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  let random = '';
  for (const byte of randomBytes(16)) random += ALPHABET[byte & 31];
  return `${prefix}_${time}${random}`;
}

/** The rows scimctl stores for this fixture, built before any clock starts. */
function rawRows() {
  const now = new Date().toISOString();
  const ids = new Map();
  for (const u of directory.users) ids.set(u.userName, { id: newId('scim_user'), type: 'User' });
  for (const g of directory.groups) ids.set(g.displayName, { id: newId('scim_group'), type: 'Group' });
  const users = directory.users.map((u) => {
    const attributes = structuredClone(u);
    if (attributes[ENT]?.manager) attributes[ENT].manager = { value: ids.get(attributes[ENT].manager.value).id };
    const str = (v) => (typeof v === 'string' ? v : null);
    return [ids.get(u.userName).id, u.userName, str(u.externalId), str(u.displayName), u.active === false ? 0 : 1, JSON.stringify(attributes), now, now];
  });
  const groups = directory.groups.map(({ members, ...attributes }) => [ids.get(attributes.displayName).id, attributes.displayName, attributes.externalId ?? null, JSON.stringify(attributes), now, now]);
  const members = directory.groups.flatMap((g) => g.members.map((m) => [ids.get(g.displayName).id, ids.get(m).id, ids.get(m).type]));
  return { users, groups, members };
}

function runRaw(rows) {
  const path = freshDb('raw.db');
  // The schema comes from the built CLI itself: it migrates a new database on open.
  createSchema(CLI, path);
  const db = new Database(path);
  // The pragmas src/store/open.ts sets.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const now = new Date().toISOString();
  const dirId = newId('scim_directory');
  db.prepare('INSERT INTO environments VALUES (?, ?, ?, ?)').run('env_raw', 'load', 'http://localhost:8080', now);
  db.prepare('INSERT INTO organizations VALUES (?, ?, ?, ?, ?)').run('org_raw', 'env_raw', 'BigCorp', 'bigcorp', now);
  db.prepare('INSERT INTO scim_directories VALUES (?, ?, ?, ?, ?, ?)').run(dirId, 'org_raw', 'Entra ID', createHash('sha256').update('x').digest('hex'), now, now);
  const user = db.prepare(
    'INSERT INTO scim_users (id, directory_id, user_name, external_id, display_name, active, attributes, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)',
  );
  const group = db.prepare('INSERT INTO scim_groups (id, directory_id, display_name, external_id, attributes, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)');
  const member = db.prepare('INSERT INTO scim_group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
  const started = performance.now();
  db.transaction(() => {
    for (const [id, ...rest] of rows.users) user.run(id, dirId, ...rest);
    for (const [id, ...rest] of rows.groups) group.run(id, dirId, ...rest);
    for (const m of rows.members) member.run(m);
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------- phases
const PHASES = `
import { readFileSync } from 'node:fs';
import { Store } from './src/store/store.ts';
import { validateFixture } from './src/fixtures/validate.ts';
import { applyFixture } from './src/fixtures/apply.ts';
const [file, db] = process.argv.slice(2);
const times = {};
let t = performance.now();
const lap = (name) => { const n = performance.now(); times[name] = n - t; t = n; };
const raw = JSON.parse(readFileSync(file, 'utf8')); lap('read+parse');
const store = new Store(db); lap('open');
const plan = validateFixture(raw, 'bench'); lap('validate');
applyFixture(store, plan, { source: 'bench' }); lap('write+commit');
store.close(); lap('checkpoint+close');
process.stdout.write(JSON.stringify(times));
`;

async function runPhases() {
  const bundle = join(ROOT, '.bench', 'seed-phases.mjs');
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  await build({
    stdin: { contents: PHASES, resolveDir: ROOT, loader: 'ts' },
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  const result = spawnSync(process.execPath, [bundle, fixtureFile, freshDb('phases.db')], { encoding: 'utf8' });
  rmSync(bundle, { force: true });
  if (result.status !== 0) throw new Error(`phases run failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

// ---------------------------------------------------------------------------------------------- run
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const seedTimes = [];
const rawTimes = [];
console.log(`${memberships.toLocaleString('en-US')} memberships; ${RUNS} run(s) of each, alternating; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let run = 1; run <= RUNS; run++) {
  const rows = rawRows();
  rawTimes.push(runRaw(rows));
  seedTimes.push(await runSeed());
  console.log(`  run ${run}: scimctl seed ${seedTimes.at(-1).toFixed(2)} s, raw ${rawTimes.at(-1).toFixed(2)} s`);
}
const phases = await runPhases();
const seedRate = USERS / median(seedTimes);
const rawRate = USERS / median(rawTimes);
const ratio = seedRate / rawRate;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
console.log('');
console.log(`scimctl seed (CLI end to end)      ${fmt(seedRate).padStart(9)} users/s   median ${median(seedTimes).toFixed(2)} s`);
console.log(`raw better-sqlite3 INSERTs         ${fmt(rawRate).padStart(9)} users/s   median ${median(rawTimes).toFixed(2)} s`);
console.log(`ratio                              ${ratio.toFixed(2).padStart(9)}x`);
console.log(`in-process phases (one run): ${Object.entries(phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
console.log(`target >= ${fmt(TARGET_RATE)} users/s: ${verdict(seedRate >= TARGET_RATE)}; target >= ${TARGET_RATIO}x raw: ${verdict(ratio >= TARGET_RATIO)}`);
mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(
  join(ROOT, '.bench/seed.json'),
  JSON.stringify({ users: USERS, groups: GROUPS, memberships, runs: RUNS, seedSeconds: seedTimes, rawSeconds: rawTimes, seedRate, rawRate, ratio, phasesMs: phases, loadavg: os.loadavg() }, null, 2) + '\n',
);
