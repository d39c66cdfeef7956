import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { API } from 'typescript/unstable/sync';
import { isArrowFunction, isConstructorDeclaration, isFunctionDeclaration, isFunctionExpression, isGetAccessorDeclaration, isMethodDeclaration, isVariableDeclaration, isPropertyAssignment, isIdentifier, type Node, type SourceFile } from 'typescript/unstable/ast';
import { describe, expect, it } from 'vitest';

// The house rules of src/, checked on the source text so a change that breaks one fails here.
const ROOT = resolve(new URL('../../src', import.meta.url).pathname);

function sources(folder = ROOT): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources().map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));
const layer = (path: string) => path.split('/')[0]!;

/** Every module a file imports (static, dynamic and type-only), as paths relative to src/ or package names. */
function importsOf(file: { path: string; text: string }): { target: string; typeOnly: boolean }[] {
  const found: { target: string; typeOnly: boolean }[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;
  for (const match of file.text.matchAll(pattern)) {
    const spec = match[3] ?? match[4] ?? match[5]!;
    const typeOnly = match[2] !== undefined;
    if (!spec.startsWith('.')) found.push({ target: spec, typeOnly });
    else found.push({ target: relative(ROOT, resolve(ROOT, dirname(file.path), spec)).replace(/\.js$/, '.ts'), typeOnly });
  }
  return found;
}

describe('the layout of src/', () => {
  it('has SQL and the SQLite driver only in src/store', () => {
    const offenders = files
      .filter((f) => layer(f.path) !== 'store')
      .filter((f) => /better-sqlite3|\.prepare\(|\b(SELECT|INSERT INTO|DELETE FROM)\b|\bSQLITE_[A-Z]/.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('reaches the store only through its public face, src/store/index.ts', () => {
    const wrong = files
      .filter((f) => layer(f.path) !== 'store')
      .flatMap((f) => importsOf(f).filter(({ target }) => target.startsWith('store/') && target !== 'store/index.ts').map(({ target }) => `${f.path} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  it('keeps each layer to its own imports', () => {
    // A layer may import itself and the layers listed; package names are checked separately below.
    const allowed: Record<string, string[]> = {
      core: [],
      scim: ['core'],
      store: ['core', 'scim'],
      fixtures: ['core', 'scim', 'store'],
      server: ['core', 'scim', 'store', 'webhooks'],
      webhooks: ['core', 'store'],
      tunnel: ['core', 'server'],
      // The IdP simulator is a SCIM client: it speaks HTTP to a base URL and knows nothing of how a server stores.
      simulator: ['core', 'scim'],
      cli: ['core', 'scim', 'store', 'fixtures', 'server', 'tunnel', 'webhooks', 'simulator'],
      // The inspector's browser code: bundled on its own (scripts/build.mjs), it shares no module with the server.
      'inspector-page': [],
    };
    const wrong: string[] = [];
    for (const file of files) {
      const own = layer(file.path);
      for (const { target } of importsOf(file)) {
        if (!target.includes('/') || target.startsWith('node:') || target.startsWith('@')) continue;
        const other = layer(target);
        if (other !== own && !(allowed[own] ?? []).includes(other)) wrong.push(`${file.path} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no package imports and no HTML parsing in the inspector page (every value is placed as text)', () => {
    const page = files.filter((f) => layer(f.path) === 'inspector-page');
    expect(page.length).toBeGreaterThan(0);
    const wrong = page.flatMap((f) => [
      ...importsOf(f).filter(({ target }) => !target.startsWith('inspector-page/')).map(({ target }) => `${f.path} -> ${target}`),
      ...(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|\beval\(|new Function/.test(f.text) ? [`${f.path}: parses HTML or code`] : []),
    ]);
    expect(wrong).toEqual([]);
  });

  it('has no I/O and no HTTP framework in src/scim, and no express outside src/server', () => {
    const io = /^(node:(fs|net|http|child_process)|express|better-sqlite3)$/;
    const wrong = files.flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => (layer(file.path) === 'scim' && io.test(target)) || (target === 'express' && layer(file.path) !== 'server'))
        .map(({ target }) => `${file.path} -> ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import cycles (type-only imports included)', () => {
    const graph = new Map(files.map((f) => [f.path, importsOf(f).map((i) => i.target).filter((t) => t.endsWith('.ts'))]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('has no module-level mutable state', () => {
    const wrong = files.flatMap((file) =>
      file.text
        .split('\n')
        .map((line, i) => ({ line, at: `${file.path}:${i + 1}` }))
        .filter(({ line }) => /^(export\s+)?(let|var)\s/.test(line))
        .map(({ at }) => at),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps every function in src/ to 60 lines or fewer', () => {
    // TypeScript 7 parses in its native compiler: its API opens both projects (src/inspector-page has its own tsconfig) and hands back their syntax trees.
    const api = new API({ cwd: resolve(ROOT, '..') });
    try {
      const snapshot = api.updateSnapshot({ openProjects: [resolve(ROOT, '../tsconfig.json'), resolve(ROOT, 'inspector-page/tsconfig.json')] });
      const long: string[] = [];
      for (const file of files) {
        const path = join(ROOT, file.path);
        const tree = snapshot.getDefaultProjectForFile(path)?.program.getSourceFile(path);
        if (!tree) {
          long.push(`${file.path}: not parsed`);
          continue;
        }
        long.push(...longFunctions(tree, file.path, 60));
      }
      expect(long).toEqual([]);
    } finally {
      api.close();
    }
  }, 60_000);
});

const isFunction = (node: Node) =>
  isFunctionDeclaration(node) || isMethodDeclaration(node) || isArrowFunction(node) || isFunctionExpression(node) || isConstructorDeclaration(node) || isGetAccessorDeclaration(node);

/** A function's own name, else the name it is bound to (`const f = () => ...`, `{ f: function () {...} }`). */
function nameOf(node: Node): string {
  if (isConstructorDeclaration(node)) return 'constructor';
  const own = (node as { name?: Node }).name;
  if (own && isIdentifier(own)) return own.text;
  const parent = node.parent;
  if ((isVariableDeclaration(parent) || isPropertyAssignment(parent)) && isIdentifier(parent.name)) return parent.name.text;
  return '<anonymous>';
}

/** Functions longer than `max` lines, counted from the first to the last line of the node (nested functions included). */
function longFunctions(tree: SourceFile, path: string, max: number): string[] {
  const found: string[] = [];
  const lineOf = (position: number) => tree.getLineAndCharacterOfPosition(position).line + 1;
  const visit = (node: Node): void => {
    if (isFunction(node)) {
      const start = lineOf(node.getStart(tree));
      const lines = lineOf(node.getEnd()) - start + 1;
      if (lines > max) found.push(`src/${path}:${start} ${nameOf(node)} (${lines} lines)`);
    }
    node.forEachChild(visit);
  };
  tree.forEachChild(visit);
  return found;
}
