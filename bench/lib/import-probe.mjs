// Times one thing in a fresh process: `node bench/lib/import-probe.mjs <what> [db]`. Prints
// `BENCH_PROBE {"bootMs":…,"ms":…}` on stderr: node's own start-up until this line ran, then <what>.
const bootMs = performance.now();
const { pathToFileURL } = await import('node:url');
const [what, db] = process.argv.slice(2);
const started = performance.now();
if (what === 'none') {
  // Only the probe itself: the floor every other probe stands on.
} else if (what === 'better-sqlite3') {
  const { default: Database } = await import('better-sqlite3');
  new Database(':memory:').close();
} else if (what === 'better-sqlite3+db') {
  const { default: Database } = await import('better-sqlite3');
  const sqlite = new Database(db);
  for (const p of ['busy_timeout = 5000', 'foreign_keys = ON', 'journal_mode = WAL', 'synchronous = NORMAL']) sqlite.pragma(p);
  sqlite.prepare('SELECT * FROM organizations').all();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
} else if (what.startsWith('cli ')) {
  // The built CLI runs its command at import (top-level await), so the import covers the whole command.
  process.argv = [process.argv[0], 'scimctl', ...what.slice(4).split(' ').map((a) => (a === '$DB' ? db : a))];
  // The bin shim (BENCH_PROBE_CLI, default bin/scimctl.js) imports dist/cli.js, exactly as users start it.
  await import(pathToFileURL(process.env.BENCH_PROBE_CLI ?? new URL('../../bin/scimctl.js', import.meta.url).pathname).href);
} else {
  await import(what);
}
process.stderr.write(`BENCH_PROBE ${JSON.stringify({ bootMs, ms: performance.now() - started })}\n`);
