import { existsSync, readFileSync } from 'node:fs';
import { openStore } from '../store/index.js';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { invalidError, notFoundError, usageError } from '../core/errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../core/json-depth.js';
import type { SeedKind, SeedRemoval, SeedReport } from '../fixtures/format.js';
import { action } from './action.js';
import type { Context } from './context.js';
import { readAll, type CliInput } from './io.js';
import { renderTable } from './table.js';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .argument('<file>', 'fixture file (JSON, format version 1); - reads standard input')
    .option('--prune', "remove what the fixture's environments hold but the fixture does not list")
    .option('--dry-run', 'report what would change, and change nothing')
    .description('create or update environments, organizations, directories, users and groups, and add API keys, from a fixture (idempotent, all or nothing)')
    .action(
      action(async (ctx, file: string, opts: { prune?: boolean; dryRun?: boolean }) => {
        const raw = await readFixture(file, ctx.io.stdin);
        const source = file === '-' ? 'stdin' : basename(file);
        // Loaded only for this command: validation and apply pull in the SCIM normalizer.
        const [{ validateFixture, countRecords }, { applyFixture }, { progressReporter }] = await Promise.all([
          import('../fixtures/validate.js'),
          import('../fixtures/apply.js'),
          import('../fixtures/progress.js'),
        ]);
        const reporter = progressReporter(ctx.io.stderr, countRecords(raw), { plain: !ctx.json });
        let report: SeedReport;
        try {
          const plan = validateFixture(raw, source, reporter.progress);
          // A dry run must not create the database it reports on: with none yet, it runs against an empty one in memory.
          const scratch = opts.dryRun && !existsSync(ctx.dbPath) ? openStore(':memory:') : undefined;
          try {
            report = applyFixture(scratch ?? ctx.store, plan, { source, prune: opts.prune, dryRun: opts.dryRun, progress: reporter.progress });
          } finally {
            scratch?.close();
          }
        } finally {
          reporter.done();
        }
        ctx.result(report, () => directoryTable(ctx, report));
        if (!ctx.json) ctx.notice(summary(ctx, report));
      }, { createsDatabase: true }),
    );
}

async function readFixture(file: string, stdin: CliInput): Promise<unknown> {
  // A terminal is not a fixture: reading it would wait for typed JSON (or fail with EAGAIN).
  if (file === '-' && stdin.isTTY) throw usageError('seed - reads a fixture from standard input, but nothing is piped in', 'Pipe one in (`scimctl seed - < fixture.json`), or pass the file path');
  let text: string;
  try {
    text = file === '-' ? await readAll(stdin) : readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFoundError(`no fixture file ${file}`, 'Pass the path of a fixture JSON file, e.g. fixtures/acme.json');
    throw invalidError(`cannot read fixture ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Only a broken file pays for loading the scanner that finds the line and column.
    const { jsonErrorAt } = await import('../fixtures/json-error.js');
    const at = jsonErrorAt(text);
    const detail = at ? `line ${at.line}, column ${at.column}: ${at.problem}` : (error as Error).message.split('\n')[0];
    throw invalidError(`${file} is not valid JSON: ${detail}`, 'Fixtures are JSON documents; see "Fixture format reference" in the README');
  }
  // A user sits 8 levels down (environments → organizations → directories → users): it may nest as
  // deeply as a request body may.
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH + 8)) {
    throw invalidError(`${file} nests deeper than ${MAX_JSON_DEPTH + 8} levels`, `Users and groups may nest ${MAX_JSON_DEPTH} levels, as in a SCIM request body`);
  }
  return parsed;
}

function directoryTable(ctx: Context, report: SeedReport): string {
  if (report.directories.length === 0) return '';
  const c = ctx.color;
  return renderTable(
    ['DIRECTORY', 'ID', 'BASE URL', 'TOKEN'],
    report.directories.map((d) => [
      `${d.environment}/${d.organization}/${d.key}`,
      c.cyan(d.id),
      d.baseUrl,
      d.token ? `${d.token}${c.dim(d.tokenSource === 'fixed' ? ' (fixed)' : ' (new; shown once)')}` : c.dim('(unchanged; not shown)'),
    ]),
  );
}

const KIND_NAMES: Record<SeedKind, [string, string]> = {
  environments: ['environment', 'environments'],
  organizations: ['organization', 'organizations'],
  directories: ['directory', 'directories'],
  users: ['user', 'users'],
  groups: ['group', 'groups'],
  apiKeys: ['API key', 'API keys'],
};

const plural = (n: number, kind: SeedKind) => `${n} ${KIND_NAMES[kind][n === 1 ? 0 : 1]}`;

function summary(ctx: Context, report: SeedReport): string {
  const c = ctx.errColor;
  const s = report.summary;
  const total = (k: SeedKind) => report.counts[k].created + report.counts[k].updated + report.counts[k].unchanged;
  // API keys are named only when the fixture has some: most fixtures have none.
  const totals = (Object.keys(KIND_NAMES) as SeedKind[]).filter((k) => k !== 'apiKeys' || total(k) > 0).map((k) => plural(total(k), k));
  const verb = report.dryRun ? 'Dry run of' : 'Seeded';
  const lines = [
    `${c.green(verb)} ${report.file}: ${totals.join(', ')}`,
    `  ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged${report.dryRun ? c.yellow(' (dry run: nothing was written)') : ''}`,
  ];
  if (report.removals.length > 0) {
    const what = `what the fixture does not list (${describeRemovals(report)})`;
    lines.push(
      !report.prune
        ? c.yellow(`Would remove ${what}; seed with --prune to remove it:`)
        : report.dryRun
          ? c.yellow(`Would remove ${what}; run without --dry-run to remove it:`)
          : `Removed ${what}:`,
    );
    const shown = report.removals.slice(0, 10);
    for (const r of shown) lines.push(`  ${removalLine(r)}`);
    if (report.removals.length > shown.length) lines.push(c.dim(`  … and ${report.removals.length - shown.length} more (--json lists all)`));
  }
  return lines.join('\n');
}

function describeRemovals(report: SeedReport): string {
  const field = report.prune ? 'removed' : 'wouldRemove';
  return (Object.keys(KIND_NAMES) as SeedKind[])
    .filter((k) => report.counts[k][field] > 0)
    .map((k) => plural(report.counts[k][field], k))
    .join(', ');
}

function removalLine(r: SeedRemoval): string {
  return `${r.kind} ${r.name} (${r.id}) in ${r.parentId}`;
}
