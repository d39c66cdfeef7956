// `npm run bench`: CLI cold start and SCIM server throughput/latency of the BUILT scimctl, against
// baselines, with targets marked PASS/MISS. Knobs (env): see bench/README.md.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectorSection } from './inspector.mjs';
import { simulatorSection } from './simulator.mjs';
import { measureColdStart, probeImports, profileCli } from './lib/cold-start.mjs';
import { copyDb, createSchema, fillDataset, removeDb } from './lib/dataset.mjs';
import { largeRequests, probe } from './lib/large.mjs';
import { randomPage, walkAllPages } from './lib/app-api.mjs';
import { preflight, runLoad, scenarios } from './lib/load.mjs';
import { formatSummary, profilesIn, summariseProfiles } from './lib/profile.mjs';
import { startServer } from './lib/servers.mjs';
import { describeMachine, snapshotBuild } from './lib/setup.mjs';
import { heading, mb, median, ms, num, ratio, ratioAgainst, table } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.bench');
// BENCH_CLI points at another build (e.g. a worktree's bin/scimctl.js) for A/B comparisons. Otherwise the
// bench runs a snapshot of this checkout's bin/ + dist/ (see snapshotBuild), set below.
let CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'bin/scimctl.js');

const int = (name, fallback) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};
const config = {
  duration: int('BENCH_DURATION', 5),
  rounds: Math.max(1, int('BENCH_ROUNDS', 3)),
  warmup: int('BENCH_WARMUP', 1),
  connections: int('BENCH_CONNECTIONS', 10),
  coldRuns: Math.max(20, int('BENCH_COLD_RUNS', 30)),
  probeRuns: int('BENCH_PROBE_RUNS', 10),
  scales: (process.env.BENCH_SCALES ?? '10000,100000').split(',').map(Number).filter((n) => n > 0),
  smallScale: int('BENCH_SMALL_SCALE', 1000),
  addRequests: Math.max(int('BENCH_CONNECTIONS', 10), int('BENCH_ADD_REQUESTS', 3000)),
  sections: new Set((process.env.BENCH_SECTIONS ?? 'cli,server,seed,simulator').split(',').map((s) => s.trim())),
  profile: parseProfile(process.env.BENCH_PROFILE),
  scenarios: (process.env.BENCH_SCENARIOS ?? 'get,post,patch').split(',').map((s) => s.trim()).filter((s) => s in scenarios),
  servers: (process.env.BENCH_SERVERS ?? 'scimctl,raw,express').split(',').map((s) => s.trim()),
  seedTimeout: int('BENCH_SEED_TIMEOUT', 180),
  inspectorUsers: int('BENCH_INSPECTOR_USERS', 100_000),
  inspectorLogRows: int('BENCH_INSPECTOR_LOG_ROWS', 100_000),
  simulatorRuns: Math.max(1, int('BENCH_SIMULATOR_RUNS', 5)),
  simulatorUsers: int('BENCH_SIMULATOR_USERS', 100_000),
};

function parseProfile(raw) {
  if (!raw || raw === '0') return [];
  if (raw === '1' || raw === 'all') return ['get', 'post', 'patch'];
  return raw.split(',').map((s) => s.trim()).filter((s) => s in scenarios);
}

const targets = [];
/** Record a target: `pass` is a boolean, or undefined when the figure could not be measured. */
function target(name, figure, goal, pass, note = '') {
  targets.push({ name, figure, goal, result: pass === undefined ? 'N/A' : pass ? 'PASS' : 'MISS', note });
}
const results = { config: { ...config, sections: [...config.sections] }, machine: describeMachine() };
const failures = [];

async function section(title, fn) {
  console.log(heading(title));
  const started = performance.now();
  try {
    await fn();
  } catch (error) {
    failures.push(`${title}: ${error instanceof Error ? error.message : String(error)}`);
    console.log(`SECTION FAILED: ${error instanceof Error ? error.stack : String(error)}`);
  }
  console.log(`(${title}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

// ---------------------------------------------------------------------------------------------------
console.log('scimctl bench');
for (const [k, v] of Object.entries(results.machine)) console.log(`  ${k.padEnd(12)} ${v}`);
console.log(
  `  config       ${config.rounds} rounds of ${config.duration}s, warmup ${config.warmup}s, ${config.connections} connections, scales ${config.scales.join('/')} (+${config.smallScale}), cold runs ${config.coldRuns}, add-member requests ${config.addRequests}`,
);
if (os.loadavg()[0] > os.cpus().length * 0.5) console.log(`  NOTE: the machine is busy (load ${os.loadavg()[0].toFixed(2)}); figures will be noisy.`);
mkdirSync(OUT, { recursive: true });
if (!process.env.BENCH_CLI) CLI = await snapshotBuild(ROOT, OUT);
console.log(`  cli          ${CLI}`);

// 1. CLI cold start ---------------------------------------------------------------------------------
if (config.sections.has('cli')) {
  await section('CLI cold start (issue 2)', async () => {
    const db = join(OUT, 'cli.db');
    createSchema(CLI, db);
    fillDataset(db, { users: 0, loadGroups: 0 });
    const cold = measureColdStart({ root: ROOT, cli: CLI, db, runs: config.coldRuns });
    results.coldStart = cold;
    console.log(`wall time of whole processes, ${cold.runs} runs each, alternating:\n`);
    console.log(
      table([
        ['command', 'median', 'p90', 'min'],
        ['node -e 0', ms(cold.node.median, 1), ms(cold.node.p90, 1), ms(cold.node.min, 1)],
        ['scimctl --db <tmp> org list --json', ms(cold.cli.median, 1), ms(cold.cli.p90, 1), ms(cold.cli.min, 1)],
      ]),
    );
    console.log(`\nratio (median scimctl / median node): ${ratio(cold.ratio)}   target <= 2.00x`);
    target('CLI cold start: org list --json vs node -e 0', `${ratio(cold.ratio)} (${ms(cold.cli.median, 1)} vs ${ms(cold.node.median, 1)})`, '<= 2.00x', cold.ratio <= 2);

    if (config.probeRuns > 0) {
      const probes = probeImports({ root: ROOT, cli: CLI, db, runs: config.probeRuns });
      results.coldStartProbes = probes;
      console.log(`\nwhere the time goes: in-process timings, median of ${config.probeRuns} fresh processes each`);
      console.log('("boot" = node start until the probe\'s first line; "work" = the named step after that)\n');
      console.log(table([['step', 'boot', 'work'], ...probes.map((p) => [p.label, ms(p.bootMs, 1), ms(p.ms, 1)])]));
      const lines = profileCli({ root: ROOT, cli: CLI, db, runs: 5, dir: join(OUT, 'profiles/cli') });
      console.log(`\nCPU profile of \`org list --json\` (node --cpu-prof, 100 µs sampling, source-mapped), per run:`);
      console.log(lines.map((l) => (l ? '  ' + l : '')).join('\n'));
    }
  });
}

// 2. Server -------------------------------------------------------------------------------------------
const SERVERS = {
  scimctl: (db) => ({ name: 'scimctl', args: [CLI, '--db', db, 'serve', '--port', '0', '--json', '--quiet'] }),
  raw: (db) => ({ name: 'raw', args: [join(ROOT, 'bench/baseline-raw.mjs'), '--db', db, '--port', '0'] }),
  express: (db) => ({ name: 'express', args: [join(ROOT, 'bench/baseline-express.mjs'), '--db', db, '--port', '0'] }),
};

/** A warm-up (not reported; skipped for counted runs), then the measured run; `served` counts both. */
async function warmAndRun(server, ds, scenario, opts = {}) {
  let warm = 0;
  if (config.warmup > 0 && !opts.amount) {
    const w = await runLoad(server, ds, scenario, { connections: config.connections, duration: config.warmup });
    warm = w.ok + w.bad;
  }
  const r = await runLoad(server, ds, scenario, { connections: config.connections, duration: config.duration, ...opts });
  return { ...r, served: warm + r.ok + r.bad };
}

/** One figure per server and scenario from several rounds: medians, with counts summed and each round's req/s kept. */
function medianOfRounds(runs) {
  const pick = (key) => median(runs.map((r) => r[key]));
  const unexpected = {};
  for (const r of runs) for (const [status, n] of Object.entries(r.unexpected)) unexpected[status] = (unexpected[status] ?? 0) + n;
  const sum = (key) => runs.reduce((total, r) => total + (r[key] ?? 0), 0);
  return { rps: pick('rps'), p50: pick('p50'), p99: pick('p99'), cpuUs: pick('cpuUs'), ok: sum('ok'), bad: sum('bad'), errors: sum('errors'), unexpected, served: sum('served'), rounds: runs.map((r) => r.rps) };
}

const fmtLoad = (r) => [num(r.rps), ms(r.p50), ms(r.p99), `${num(r.cpuUs)} us`, num(r.ok), r.bad ? `${r.bad} (${JSON.stringify(r.unexpected)}${r.errors ? ` errors ${r.errors}` : ''})` : '0'];
const badNote = (...runs) => (runs.some((r) => r.bad) ? `unexpected responses: ${runs.map((r) => r.bad).join('/')}` : '');

const datasets = {};
const keep = process.env.BENCH_KEEP === '1';
function buildDataset(users, extra = {}) {
  const path = join(OUT, `template-${users}.db`);
  const started = performance.now();
  createSchema(CLI, path);
  const ds = fillDataset(path, { users, ...extra });
  console.log(`dataset ${num(users)} users${extra.spare ? ` (+${num(extra.spare)} spare users in no group)` : ''}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ds;
}

if (config.sections.has('server')) {
  await section('Server datasets', async () => {
    const largest = Math.max(...config.scales);
    for (const users of config.scales) {
      datasets[users] = buildDataset(users, users === largest ? { spare: 2 * config.addRequests, smallGroups: 200 } : {});
    }
    if (config.smallScale && !datasets[config.smallScale]) datasets[config.smallScale] = buildDataset(config.smallScale);
    console.log('each has one "All employees" group holding every regular user, and 20 load groups of 10 members;');
    console.log(`the ${num(largest)} dataset also has 200 small groups of 10 members and the spare users for the add-member comparison.`);
  });

  results.server = {};
  for (const users of config.scales) {
    if (!datasets[users]) continue;
    await section(`Server at ${num(users)} users (issue 3)`, async () => {
      const ds = datasets[users];
      const largest = users === Math.max(...config.scales);
      const running = {};
      try {
        for (const [name, make] of Object.entries(SERVERS).filter(([n]) => n === 'scimctl' || config.servers.includes(n))) {
          const db = join(OUT, `run-${users}-${name}.db`);
          copyDb(ds.path, db);
          running[name] = await startServer({ ...make(db), cwd: ROOT });
        }
        const byScenario = {};
        const servers = Object.values(running);
        for (const key of config.scenarios) {
          const scenarioOf = Object.fromEntries(servers.map((s) => [s.name, key === 'post' ? scenarios.post(ds, `${s.name}${users}`) : scenarios[key](ds)]));
          for (const server of servers) await preflight(server, ds, scenarioOf[server.name]);
          const runs = Object.fromEntries(servers.map((s) => [s.name, []]));
          for (let round = 0; round < config.rounds; round++) {
            // Each round starts with the next server: drift on a shared machine must not favour whoever goes first.
            for (let i = 0; i < servers.length; i++) {
              const server = servers[(i + round) % servers.length];
              runs[server.name].push(await warmAndRun(server, ds, scenarioOf[server.name]));
            }
          }
          byScenario[key] = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, medianOfRounds(rs)]));
        }
        results.server[users] = byScenario;
        const rows = [['scenario', 'server', 'req/s', 'p50', 'p99', 'cpu/req', 'ok', 'unexpected', 'req/s by round']];
        for (const [key, runs] of Object.entries(byScenario)) {
          for (const [name, r] of Object.entries(runs)) rows.push([scenarios[key](ds).name, name, ...fmtLoad(r), r.rounds.map((x) => num(x)).join(' / ')]);
        }
        console.log(`\n${config.connections} connections; ${config.rounds} interleaved round(s) of ${config.duration}s after ${config.warmup}s warm-up, medians shown; scimctl also writes a request_log row per request\n`);
        console.log(table(rows));
        console.log('');
        // Throughput ratios carry the targets; CPU-per-request ratios (server side) survive a busy machine better.
        const ratioRows = [['scenario', 'req/s scimctl/express', 'req/s scimctl/raw', 'req/s express/raw', 'cpu/req scimctl/express', 'cpu/req scimctl/raw']];
        for (const [key, runs] of Object.entries(byScenario)) {
          const { scimctl, express, raw } = runs;
          const q = (a, b) => (a && b ? ratio(a / b) : 'n/a');
          ratioRows.push([scenarios[key](ds).name, q(scimctl.rps, express?.rps), q(scimctl.rps, raw?.rps), q(express?.rps, raw?.rps), q(scimctl.cpuUs, express?.cpuUs), q(scimctl.cpuUs, raw?.cpuUs)]);
          const label = `${scenarios[key](ds).name} @ ${num(users)}`;
          const note = badNote(...Object.values(runs));
          if (express) {
            const vs = scimctl.rps / express.rps;
            target(`${label}: req/s vs express`, `${ratioAgainst(vs, 0.8)} (${num(scimctl.rps)} vs ${num(express.rps)})`, '>= 0.80x', note ? false : vs >= 0.8, note);
          }
          if (raw) {
            const vs = scimctl.rps / raw.rps;
            target(`${label}: req/s vs raw`, `${ratioAgainst(vs, 0.3)} (${num(scimctl.rps)} vs ${num(raw.rps)})`, '>= 0.30x', note ? false : vs >= 0.3, note);
          }
        }
        console.log(table(ratioRows));

        if (largest && ds.groupIds.small.length && config.scenarios.includes('patch')) {
          const half = config.addRequests;
          const scimctl = running.scimctl;
          const big = scenarios.patch(ds, { groups: [ds.groupIds.all], members: ds.spareIds.slice(0, half), sequential: true, name: `add member, ${num(users)}-member group` });
          const small = scenarios.patch(ds, { groups: ds.groupIds.small, members: ds.spareIds.slice(half, 2 * half), sequential: true, name: 'add member, 10-member groups' });
          const smallRun = await warmAndRun(scimctl, ds, small, { amount: half });
          const bigRun = await warmAndRun(scimctl, ds, big, { amount: half });
          results.addMember = { small: smallRun, big: bigRun };
          console.log(`\nscimctl add-member latency by group size (${num(half)} PATCHes each, every one a new member, ${config.connections} connections)\n`);
          console.log(table([['case', 'req/s', 'p50', 'p99', 'cpu/req', 'ok', 'unexpected'], [small.name, ...fmtLoad(smallRun)], [big.name, ...fmtLoad(bigRun)]]));
          const r = bigRun.p50 / smallRun.p50;
          console.log(`\np50 ratio big/small: ${ratio(r)}   target <= 1.50x   (p99 ratio ${ratio(bigRun.p99 / smallRun.p99)})`);
          target(`add-member p50: ${num(users)}-member vs 10-member group`, `${ratioAgainst(r, 1.5)} (${ms(bigRun.p50)} vs ${ms(smallRun.p50)})`, '<= 1.50x', badNote(bigRun, smallRun) ? false : r <= 1.5, badNote(bigRun, smallRun));
        }

        const memory = Object.fromEntries(Object.values(running).map((s) => [s.name, s.memory()]));
        results.server[users].memory = memory;
        console.log(`\nmemory after the load: ${Object.entries(memory).map(([n, m]) => `${n} RSS ${mb(m.rss)} (peak ${mb(m.hwm)})`).join(', ')}`);
        if (largest) {
          const rss = memory.scimctl.rss;
          target(`scimctl serve RSS with ${num(users)} users, after load`, `${mb(rss)} (peak ${mb(memory.scimctl.hwm)})`, '< 150 MB', Number.isFinite(rss) ? rss < 150 * 1024 * 1024 : undefined);
        }
      } finally {
        for (const server of Object.values(running)) {
          const exit = await server.stop();
          if (exit.code !== 0 && exit.signal !== 'SIGTERM') console.log(`note: ${server.name} exited with ${exit.code ?? exit.signal}; stderr tail:\n${server.stderr()}`);
          if (!keep) removeDb(join(OUT, `run-${users}-${server.name}.db`));
        }
      }
    });
  }

  if (config.smallScale && datasets[config.smallScale] && !config.scales.includes(config.smallScale)) {
    await section(`Filter latency at ${num(config.smallScale)} users`, async () => {
      const ds = datasets[config.smallScale];
      const db = join(OUT, `run-${config.smallScale}-scimctl.db`);
      copyDb(ds.path, db);
      const server = await startServer({ ...SERVERS.scimctl(db), cwd: ROOT });
      try {
        const scenario = scenarios.get(ds);
        await preflight(server, ds, scenario);
        const r = await warmAndRun(server, ds, scenario);
        results.filterSmall = r;
        console.log(table([['scenario', 'server', 'req/s', 'p50', 'p99', 'cpu/req', 'ok', 'unexpected'], [scenario.name, 'scimctl', ...fmtLoad(r)]]));
        const largest = Math.max(...config.scales);
        const big = results.server?.[largest]?.get?.scimctl; // undefined when BENCH_SCENARIOS skipped get
        if (big) {
          const q = big.p50 / r.p50;
          console.log(`\np50 ratio ${num(largest)} / ${num(config.smallScale)} users: ${ratio(q)}   target <= 1.50x   (p99 ratio ${ratio(big.p99 / r.p99)})`);
          target(`filter p50: ${num(largest)} vs ${num(config.smallScale)} users`, `${ratioAgainst(q, 1.5)} (${ms(big.p50)} vs ${ms(r.p50)})`, '<= 1.50x', badNote(big, r) ? false : q <= 1.5, badNote(big, r));
        }
      } finally {
        await server.stop();
        if (!keep) removeDb(db);
      }
    });
  }

  // 3. App API paging (part of the server section) --------------------------------------------------
  const apiScales = [config.smallScale, Math.max(...config.scales)].filter((n, i, all) => n && datasets[n] && all.indexOf(n) === i);
  if (apiScales.length) {
    await section(`App API paging at ${apiScales.map((n) => num(n)).join(' and ')} users (issue 13)`, async () => {
      const rows = [['users', 'walk all pages', 'pages/s', 'req/s (random page)', 'p50', 'p99', 'cpu/req', 'ok', 'unexpected']];
      const byScale = {};
      for (const users of apiScales) {
        const ds = { ...datasets[users], token: datasets[users].apiKey }; // runLoad sends ds.token as the bearer
        const db = join(OUT, `run-${users}-api.db`);
        copyDb(ds.path, db);
        const server = await startServer({ ...SERVERS.scimctl(db), cwd: ROOT });
        try {
          const walk = await walkAllPages(server, ds);
          const scenario = randomPage(ds, walk.tokens);
          await preflight(server, ds, scenario);
          const load = await warmAndRun(server, ds, scenario);
          byScale[users] = { walk, load };
          rows.push([num(users), `${walk.seconds.toFixed(1)} s (${num(walk.tokens.length)} pages)`, num(walk.tokens.length / walk.seconds), ...fmtLoad(load)]);
        } finally {
          await server.stop();
          if (!keep) removeDb(db);
        }
      }
      results.appApi = Object.fromEntries(Object.entries(byScale).map(([k, v]) => [k, { walkSeconds: v.walk.seconds, pages: v.walk.tokens.length, load: v.load }]));
      console.log(`walk: one client following nextPageToken to the end; random page: ${config.connections} connections, any page by its token\n`);
      console.log(table(rows));
      const [small, large] = apiScales.map((n) => byScale[n]?.load);
      if (small && large && apiScales.length === 2) {
        const q = large.p50 / small.p50;
        console.log(`\np50 ratio ${num(apiScales[1])} / ${num(apiScales[0])} users: ${ratio(q)}   target <= 1.50x`);
        target(`app API page p50: ${num(apiScales[1])} vs ${num(apiScales[0])} users`, `${ratioAgainst(q, 1.5)} (${ms(large.p50)} vs ${ms(small.p50)})`, '<= 1.50x', badNote(large, small) ? false : q <= 1.5, badNote(large, small));
      }
    });
  }

  // 4. Large requests (part of the server section) --------------------------------------------------
  const largestScale = Math.max(...config.scales);
  if (datasets[largestScale]) {
    await section(`Large requests at ${num(largestScale)} users (issue 11)`, async () => {
      const ds = datasets[largestScale];
      const db = join(OUT, `run-large-scimctl.db`);
      copyDb(ds.path, db);
      const server = await startServer({ ...SERVERS.scimctl(db), cwd: ROOT });
      try {
        const rows = [];
        results.large = [];
        for (const request of largeRequests(largestScale)) {
          const r = await probe(server, ds, request);
          results.large.push(r);
          rows.push([r.label, ms(r.p50), ms(r.worstStall), r.statuses.join('/') + (r.ok ? '' : ' UNEXPECTED')]);
        }
        console.log(table([['request', 'p50', 'worst /healthz meanwhile', 'status'], ...rows]));
        const worst = Math.max(...results.large.map((r) => r.worstStall));
        const bad = results.large.filter((r) => !r.ok).map((r) => r.label);
        target(`event loop: worst /healthz during large requests, ${num(largestScale)} users`, ms(worst), '<= 100 ms', bad.length ? false : worst <= 100, bad.length ? `unexpected status: ${bad.join('; ')}` : '');
      } finally {
        await server.stop();
        if (!keep) removeDb(db);
      }
    });
  }

  if (config.profile.length) {
    const users = Math.max(...config.scales);
    const who = (process.env.BENCH_PROFILE_SERVERS ?? 'scimctl').split(',').map((s) => s.trim()).filter((s) => s in SERVERS);
    await section(`CPU profiles at ${num(users)} users (BENCH_PROFILE)`, async () => {
      const ds = datasets[users];
      console.log('node --cpu-prof (250 µs sampling) on the server process, warm-up included; figures are per request served');
      for (const key of config.profile) {
        for (const name of who) {
          const dir = join(OUT, `profiles/${name}-${key}`);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const db = join(OUT, `profile-${name}-${key}.db`);
          copyDb(ds.path, db);
          const server = await startServer({ ...SERVERS[name](db), nodeFlags: ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', dir], cwd: ROOT });
          let r;
          try {
            const scenario = key === 'post' ? scenarios.post(ds, `profile${name}`) : scenarios[key](ds);
            r = await warmAndRun(server, ds, scenario);
          } finally {
            await server.stop();
            if (!keep) removeDb(db);
          }
          console.log(`\n--- ${name}, ${scenarios[key](ds).name}: ${num(r.rps)} req/s under the profiler, ${num(r.served)} requests served`);
          console.log(formatSummary(summariseProfiles(profilesIn(dir)), { top: 20, per: r.served / 1000, unit: 'us/req' }).map((l) => (l ? '  ' + l : '')).join('\n'));
        }
      }
    });
  }

  // Databases are big (about 100 MB per 100k-user copy); BENCH_KEEP=1 keeps them for a look afterwards.
  if (!keep) for (const ds of Object.values(datasets)) removeDb(ds.path);
}

// 5. Web inspector (bench/inspector.mjs) ------------------------------------------------------------
if (config.sections.has('inspector')) {
  await section(`Web inspector at ${num(config.inspectorUsers)} users and ${num(config.inspectorLogRows)} logged requests (issue 15)`, async () => {
    results.inspector = await inspectorSection({
      cli: CLI,
      root: ROOT,
      out: OUT,
      users: config.inspectorUsers,
      logRows: config.inspectorLogRows,
      paintRuns: 6,
      probes: 10,
      keep,
      target,
    });
  });
}

// 6. IdP simulator (bench/simulator.mjs) ------------------------------------------------------------
if (config.sections.has('simulator')) {
  await section(`IdP simulator: scimctl test and scimctl trigger against a local serve (issue 16)`, async () => {
    results.simulator = await simulatorSection({ cli: CLI, root: ROOT, out: OUT, runs: config.simulatorRuns, users: config.simulatorUsers, keep, target });
  });
}

// 7. Seeding (bench/seed.mjs, owned by another engineer) --------------------------------------------
const SEED = join(ROOT, 'bench/seed.mjs');
if (config.sections.has('seed') && !existsSync(SEED)) console.log(`${heading('Seeding')}\nbench/seed.mjs is not there yet; skipped.`);
if (config.sections.has('seed') && existsSync(SEED)) {
  await section('Seeding (bench/seed.mjs)', async () => {
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [SEED], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      const timer = setTimeout(() => {
        console.log(`bench/seed.mjs ran longer than BENCH_SEED_TIMEOUT=${config.seedTimeout}s; stopping it`);
        child.kill('SIGTERM');
      }, config.seedTimeout * 1000);
      child.on('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? signal);
      });
    });
    if (code !== 0) throw new Error(`bench/seed.mjs exited with ${code}`);
  });
}

// Summary -------------------------------------------------------------------------------------------------
console.log(heading('Targets'));
console.log(table([['target', 'figure', 'goal', 'result'], ...targets.map((t) => [t.name, t.figure + (t.note ? ` [${t.note}]` : ''), t.goal, t.result])]));
const missed = targets.filter((t) => t.result !== 'PASS').length;
console.log(`\n${targets.length - missed}/${targets.length} targets met${failures.length ? `; ${failures.length} section(s) failed:\n  ${failures.join('\n  ')}` : ''}`);
results.targets = targets;
results.failures = failures;
writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`(raw figures in .bench/results.json; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
// Misses are findings, not crashes; only a broken run fails the command.
process.exitCode = failures.length ? 1 : 0;
