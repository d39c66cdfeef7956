// Bundles the CLI with esbuild: one file to parse at start-up, with the heavy parts (server, tunnel,
// prompts) split into chunks that load only when a command needs them.
//
// A scimctl that is running while this builds (an `npm link`ed one, say, during `npm test`) must not
// lose its files: it loads chunks lazily, by the hashed names of its own build. So the build goes to
// a temporary folder next to dist/, then moves in file by file (each rename is atomic), the entry
// point last; the previous build's chunks stay, and only files two builds old are removed.
//
//   node scripts/build.mjs [--outdir dist]
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const root = new URL('..', import.meta.url).pathname;
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(root, flag > 0 ? process.argv[flag + 1] : 'dist');
const staging = `${outdir}.build-${process.pid}`;
const MANIFEST = '.build-manifest.json';
const ENTRY = ['cli.js', 'cli.js.map'];

rmSync(staging, { recursive: true, force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // Native addons cannot be bundled.
    external: ['better-sqlite3', '@ngrok/ngrok'],
    // Bundled CommonJS (express) calls require(); give ESM chunks a real one.
    banner: { js: "import { createRequire as __scimctlCreateRequire } from 'node:module'; const require = __scimctlCreateRequire(import.meta.url);" },
    define: { __SCIMCTL_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  // The inspector's page (served by `scimctl serve` at /): its own browser bundle, no CDN, nothing
  // fetched at run time. The server reads dist/inspector.js and dist/inspector.css.
  await build({
    absWorkingDir: root,
    entryPoints: { inspector: 'src/inspector-page/main.ts' },
    outdir: staging,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    logLevel: 'warning',
  });
  await build({
    absWorkingDir: root,
    entryPoints: { inspector: 'src/inspector-page/styles.css' },
    outdir: staging,
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
  swapIn(staging, outdir);
} finally {
  rmSync(staging, { recursive: true, force: true });
}

function swapIn(from, to) {
  mkdirSync(to, { recursive: true });
  const fresh = readdirSync(from);
  const previous = readManifest(to);
  // Chunks first: by the time the new cli.js is in place, everything it imports is there.
  for (const name of [...fresh.filter((n) => !ENTRY.includes(n)), ...fresh.filter((n) => ENTRY.includes(n))]) renameSync(join(from, name), join(to, name));
  const keep = new Set([...fresh, ...previous, MANIFEST]);
  for (const name of readdirSync(to)) if (!keep.has(name)) rmSync(join(to, name), { recursive: true, force: true });
  writeFileSync(join(to, MANIFEST), JSON.stringify(fresh) + '\n');
}

/** The files of the build before this one (nothing known: keep none of the old files). */
function readManifest(dir) {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return [];
  try {
    const names = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(names) ? names : [];
  } catch {
    return [];
  }
}
