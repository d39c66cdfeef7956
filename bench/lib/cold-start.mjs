// CLI cold start: wall time of whole processes (spawn to exit), the way a user or CI script feels it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median, percentile } from './stats.mjs';
import { formatSummary, profilesIn, summariseProfiles } from './profile.mjs';

function timeRun(args, { cwd, expectStatus = 0, env }) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env: env ? { ...process.env, ...env } : process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== expectStatus) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stderr: result.stderr };
}

/** `node -e 0` and the CLI command alternately, `runs` times each, after one untimed run of each. */
export function measureColdStart({ root, cli, db, runs }) {
  const commands = { node: ['-e', '0'], cli: [cli, '--db', db, 'org', 'list', '--json'] };
  for (const args of Object.values(commands)) timeRun(args, { cwd: root });
  const times = { node: [], cli: [] };
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of i % 2 ? Object.entries(commands).reverse() : Object.entries(commands)) times[name].push(timeRun(args, { cwd: root }).ms);
  }
  const stats = (t) => ({ median: median(t), p90: percentile(t, 90), min: Math.min(...t) });
  return { node: stats(times.node), cli: stats(times.cli), ratio: median(times.cli) / median(times.node), runs };
}

/** In-process timings of the pieces, each the median of `runs` fresh processes. */
export function probeImports({ root, cli, db, runs }) {
  const probes = [
    ['none', 'probe script alone (node bootstrap floor)'],
    ['commander', 'import commander (unbundled)'],
    ['chalk', 'import chalk (unbundled)'],
    ['better-sqlite3', 'import better-sqlite3 + open :memory: (native addon)'],
    ['better-sqlite3+db', 'better-sqlite3: open the db file, pragmas, one SELECT, checkpoint, close'],
    ['cli --version', 'bin/scimctl.js: load bundle + build program (--version)'],
    ['cli --db $DB org list --json', 'bin/scimctl.js: whole `org list --json` command'],
  ];
  return probes.map(([what, label]) => {
    const boot = [];
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const { stderr } = timeRun([join(root, 'bench/lib/import-probe.mjs'), what, db], { cwd: root, env: { BENCH_PROBE_CLI: cli } });
      const line = /BENCH_PROBE (.*)/.exec(stderr);
      if (!line) throw new Error(`probe ${what} printed no result: ${stderr}`);
      const r = JSON.parse(line[1]);
      boot.push(r.bootMs);
      ms.push(r.ms);
    }
    return { what, label, bootMs: median(boot), ms: median(ms) };
  });
}

/** CPU profiles of the CLI command (sampled every 100 µs), summarised by module and function. */
export function profileCli({ root, cli, db, runs, dir }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < runs; i++) {
    timeRun(['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, cli, '--db', db, 'org', 'list', '--json'], { cwd: root });
  }
  return formatSummary(summariseProfiles(profilesIn(dir)), { top: 15, per: runs, unit: 'ms/run' });
}
