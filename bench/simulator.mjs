// The IdP simulator: how long `scimctl test` (every profile) takes against a local `scimctl serve`,
// on an empty directory and on one holding many users (the run must not slow down with the server's
// data: every filter it sends is selective), and how fast `scimctl trigger` plays its scenarios.
// Each run is the real binary, spawned, so the figures include CLI start-up as users see it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createSchema, fillDataset, removeDb } from './lib/dataset.mjs';
import { startServer } from './lib/servers.mjs';
import { median, ms, num, table } from './lib/stats.mjs';

function timed(cli, args, env = {}) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`scimctl ${args.slice(0, 3).join(' ')} exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  return { wallMs, stdout: run.stdout };
}

export async function simulatorSection({ cli, root, out, runs, users, keep, target }) {
  const results = {};
  const rows = [];
  for (const scale of [0, users]) {
    const db = join(out, `simulator-${scale}.db`);
    removeDb(db);
    createSchema(cli, db);
    const ds = fillDataset(db, { users: scale, loadGroups: 0 });
    const server = await startServer({ name: 'scimctl', args: [cli, '--db', db, 'serve', '--port', '0', '--json', '--quiet'], cwd: root });
    try {
      const baseUrl = `${server.url}/scim/v2/${ds.directoryId}`;
      const walls = [];
      const inside = [];
      let steps = 0;
      // One warm-up run (page cache, the server's prepared statements), then the measured runs.
      for (let i = 0; i <= runs; i++) {
        const { wallMs, stdout } = timed(cli, ['test', baseUrl, '--json'], { SCIMCTL_TEST_TOKEN: ds.token });
        const report = JSON.parse(stdout);
        if (!report.ok) throw new Error(`scimctl test failed against serve: ${JSON.stringify(report.steps.filter((s) => s.status === 'fail').map((s) => s.verdict))}`);
        steps = report.steps.length;
        if (i === 0) continue;
        walls.push(wallMs);
        inside.push(report.durationMs);
      }
      const wall = median(walls);
      rows.push([`scimctl test (all profiles), ${num(scale)} users on the server`, String(steps), ms(wall), ms(median(inside))]);
      results[`test_${scale}`] = { steps, wallMs: wall, runMs: median(inside) };
      if (scale === users) target(`scimctl test, all profiles, ${num(scale)} users on the server (wall)`, ms(wall), '< 5 s', wall < 5000);
    } finally {
      await server.stop();
      if (!keep) removeDb(db);
    }
  }
  console.log(table([['run', 'steps', 'wall (median)', 'requests only (median)'], ...rows]));

  // trigger: its own in-process server on the database; a fresh database each scenario.
  const triggerRows = [];
  for (const [scenario, extra] of [['entra-provision', []], ['okta-provision', []], ['user-churn', ['--count', '300']]]) {
    const db = join(out, 'simulator-trigger.db');
    removeDb(db);
    createSchema(cli, db);
    fillDataset(db, { users: 0, loadGroups: 0 });
    const { wallMs, stdout } = timed(cli, ['--db', db, 'trigger', scenario, ...extra, '--json']);
    const report = JSON.parse(stdout);
    if (!report.ok) throw new Error(`trigger ${scenario} failed`);
    triggerRows.push([`trigger ${scenario} ${extra.join(' ')}`.trim(), String(report.summary.sent), ms(wallMs), `${num(Math.round((report.summary.sent / wallMs) * 1000))}/s`]);
    results[`trigger_${scenario}`] = { sent: report.summary.sent, wallMs };
    if (!keep) removeDb(db);
  }
  console.log(table([['scenario', 'requests', 'wall', 'requests per second (incl. start-up)'], ...triggerRows]));
  return results;
}
