// Bundles the CLI with esbuild: one file to parse at start-up, with the heavy parts (server, tunnel,
// prompts) split into chunks that load only when a command needs them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
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
