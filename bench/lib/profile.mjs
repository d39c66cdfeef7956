// Summarises V8 .cpuprofile files (node --cpu-prof): self time per function and per module, with
// positions in dist/ bundles mapped back to src/ or node_modules/ through the bundles' source maps.
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const maps = new Map();

function sourceMapFor(url) {
  if (!url.startsWith('file://')) return undefined;
  if (!maps.has(url)) {
    let map;
    try {
      map = new SourceMap(JSON.parse(readFileSync(fileURLToPath(url) + '.map', 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** Where a profiled function really comes from: original file and line when a source map knows it. */
function origin(frame) {
  const { url, lineNumber, columnNumber, functionName } = frame;
  if (!url) return { file: '', line: 0, name: functionName || '(anonymous)' };
  // Only our own bundles: node_modules ship maps whose sources (e.g. "src/index.ts") would pose as ours.
  const map = url.includes('/node_modules/') ? undefined : sourceMapFor(url);
  const entry = map?.findEntry(lineNumber, columnNumber);
  if (entry && entry.originalSource) {
    const file = entry.originalSource.replace(/^.*?\/(src|node_modules)\//, '$1/');
    return { file, line: entry.originalLine + 1, name: functionName || '(anonymous)' };
  }
  const file = url.startsWith('file://') ? fileURLToPath(url).replace(/^.*?\/(node_modules|bench|dist|bin|src)\//, '$1/') : url;
  return { file, line: lineNumber + 1, name: functionName || '(anonymous)' };
}

/** A coarse bucket: a package, a src/ folder, node's internals, or V8's pseudo-frames. */
export function moduleOf(file, name) {
  if (!file) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('src/')) return file.split('/').slice(0, 2).join('/');
  if (file.startsWith('node:')) return 'node:' + file.slice(5).split('/').slice(0, 2).join('/');
  return file;
}

/**
 * Self time (ms) per function and per module, and inclusive time per function (each sample counted once
 * per distinct function on its stack), summed over the given profiles.
 */
export function summariseProfiles(files) {
  const byFunction = new Map();
  const byModule = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const info = new Map();
    const infoOf = (id) => {
      if (!info.has(id)) {
        const o = origin(nodes.get(id).callFrame);
        info.set(id, { key: `${o.name}\u0000${o.file}:${o.line}`, module: moduleOf(o.file, o.name) });
      }
      return info.get(id);
    };
    const self = new Map();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
    for (const [id, time] of self) {
      const { key, module } = infoOf(id);
      byFunction.set(key, (byFunction.get(key) ?? 0) + time);
      byModule.set(module, (byModule.get(module) ?? 0) + time);
      total += time;
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const k = infoOf(at).key;
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + time);
      }
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const split = ([key, ms]) => {
    const [name, where] = key.split('\u0000');
    return { name, where, ms };
  };
  return {
    total,
    runs: files.length,
    functions: sorted(byFunction).map(split),
    inclusive: sorted(inclusive).map(split),
    modules: sorted(byModule).map(([name, ms]) => ({ name, ms })),
  };
}

export const profilesIn = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));

/**
 * Lines ready to print: top modules and functions by self time, and the app's own (src/) functions by
 * inclusive time. `per` divides every figure (runs, or requests served) and names the unit.
 */
export function formatSummary(summary, { top = 15, per = 1, unit = 'ms' } = {}) {
  const idle = summary.modules.find((m) => m.name === '(idle)')?.ms ?? 0;
  const busy = summary.total - idle;
  const fmt = (ms) => (ms / per).toFixed(unit === 'ms' || unit === 'ms/run' ? 1 : 0).padStart(9);
  const pct = (ms) => `${((100 * ms) / busy).toFixed(1)}%`.padStart(6);
  const lines = [`busy ${fmt(busy).trim()} ${unit}${idle ? `, idle ${fmt(idle).trim()} ${unit}` : ''} (${summary.runs} profile(s))`];
  lines.push('', `top modules by self time (${unit}, share of busy):`);
  for (const m of summary.modules.filter((m) => m.name !== '(idle)').slice(0, top)) lines.push(`  ${fmt(m.ms)}  ${pct(m.ms)}  ${m.name}`);
  lines.push('', `top functions by self time (${unit}, share of busy; native calls such as SQLite count in their JS caller):`);
  for (const f of summary.functions.filter((f) => f.name !== '(idle)').slice(0, top)) lines.push(`  ${fmt(f.ms)}  ${pct(f.ms)}  ${f.name}  ${f.where}`);
  const own = summary.inclusive.filter((f) => f.where.startsWith('src/'));
  if (own.length) {
    lines.push('', `src/ functions by inclusive time (${unit}, share of busy):`);
    for (const f of own.slice(0, top)) lines.push(`  ${fmt(f.ms)}  ${pct(f.ms)}  ${f.name}  ${f.where}`);
  }
  return lines;
}
