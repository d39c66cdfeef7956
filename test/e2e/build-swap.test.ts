import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';

const BUILD = new URL('../../scripts/build.mjs', import.meta.url).pathname;
// Inside the repository, so the build's external imports (better-sqlite3) resolve as dist/'s do.
const dir = mkdtempSync(new URL('../../.build-test-', import.meta.url).pathname);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds into `out`, checking all along that a running scimctl could still load cli.js and its old chunk. */
async function buildWatching(out: string, mustStay: string[]): Promise<string[]> {
  const missing: string[] = [];
  const watch = setInterval(() => {
    for (const name of mustStay) if (!existsSync(join(out, name))) missing.push(name);
  }, 1);
  try {
    await execa('node', [BUILD, '--outdir', out]);
  } finally {
    clearInterval(watch);
  }
  return missing;
}

describe('scripts/build.mjs', () => {
  test('never leaves dist without cli.js, keeps the previous build\'s chunks, and drops older ones', async () => {
    const out = join(dir, 'dist');
    await execa('node', [BUILD, '--outdir', out]);
    // A chunk a running scimctl of the previous build might still import lazily.
    writeFileSync(join(out, 'chunk-OLDBUILD.js'), 'export {};\n');
    writeFileSync(join(out, '.build-manifest.json'), JSON.stringify([...readdirSync(out).filter((n) => n !== '.build-manifest.json')]));
    expect(await buildWatching(out, ['cli.js', 'chunk-OLDBUILD.js'])).toEqual([]);
    expect(existsSync(join(out, 'chunk-OLDBUILD.js'))).toBe(true);
    // Two builds on, nothing can still be running it.
    expect(await buildWatching(out, ['cli.js'])).toEqual([]);
    expect(existsSync(join(out, 'chunk-OLDBUILD.js'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['dist']); // no staging folder left behind
    // The swapped-in build runs, as bin/scimctl.js runs dist/cli.js.
    const shim = join(dir, 'scimctl.mjs');
    writeFileSync(shim, "import './dist/cli.js';\n");
    const entry = await execa('node', [shim, '--version'], { reject: false });
    expect(entry.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    rmSync(shim);
  });
});
