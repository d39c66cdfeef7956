// Run setup: what machine this is, and a stable copy of the build to measure.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { mb } from './stats.mjs';

/** What the figures were measured on, printed first and kept in results.json. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memory: mb(os.totalmem()),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/**
 * Copy bin/ and dist/ to .bench/build/ and run that: a rebuild in the same checkout (tests run
 * `npm run build`, which empties dist/) can then no longer pull the code out from under a running bench.
 * node_modules still resolve from the checkout, since .bench/ sits inside it.
 */
export async function snapshotBuild(ROOT, OUT) {
  const dist = join(ROOT, 'dist');
  const listing = () => (existsSync(join(dist, 'cli.js')) ? readdirSync(dist).map((f) => `${f}:${statSync(join(dist, f)).mtimeMs}`).sort().join('|') : '');
  const target = join(OUT, 'build');
  for (let attempt = 1; attempt <= 10; attempt++) {
    const before = listing();
    if (before) {
      rmSync(target, { recursive: true, force: true });
      cpSync(join(ROOT, 'bin'), join(target, 'bin'), { recursive: true });
      cpSync(dist, join(target, 'dist'), { recursive: true });
      if (listing() === before) return join(target, 'bin/scimctl.js');
    }
    await new Promise((r) => setTimeout(r, 2000)); // a build is running (or dist/ is missing): wait
  }
  console.error('dist/ is missing or keeps changing: run `npm run build` (or `npm run bench`, which builds first).');
  process.exit(1);
}
