import { existsSync } from 'node:fs';
import { count } from './text.js';
import type { Command } from 'commander';
import type { RunningServer } from '../store/index.js';
import { action } from './action.js';
import type { Context } from './context.js';
import { renderFields, renderTable } from './table.js';

interface Status {
  database: { path: string; exists: boolean };
  servers: RunningServer[];
  counts: { environments: number; organizations: number; directories: number; users: number; groups: number; requests: number } | null;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the database in use, the serves running on it and what it holds')
    .action(
      action(async (ctx) => {
        const status = read(ctx);
        ctx.result(status, () => render(ctx, status));
        if (!ctx.json && !status.database.exists) ctx.notice('`scimctl env create <name>`, `scimctl seed` or `scimctl serve` creates it.');
      }),
    );
}

/** A database that does not exist yet is a status, not an error: reading it must not create it. */
function read(ctx: Context): Status {
  const exists = existsSync(ctx.dbPath);
  if (!exists) return { database: { path: ctx.dbPath, exists }, servers: [], counts: null };
  const store = ctx.store;
  const directories = store.directories.list();
  let users = 0;
  let groups = 0;
  for (const d of directories) {
    const details = store.directories.details(d.id);
    users += details.userCount;
    groups += details.groupCount;
  }
  const counts = {
    environments: store.environments.list().length,
    organizations: store.organizations.list().length,
    directories: directories.length,
    users,
    groups,
    requests: store.requestLog.size().rows,
  };
  return { database: { path: ctx.dbPath, exists }, servers: store.servers.live(), counts };
}

function render(ctx: Context, s: Status): string {
  const c = ctx.color;
  const lines = [renderFields([['Database', `${s.database.path}${s.database.exists ? '' : ' (not created yet)'}`]])];
  if (s.counts) {
    const n = s.counts;
    const contents = [
      count(n.environments, 'environment', 'environments'),
      count(n.organizations, 'organization', 'organizations'),
      count(n.directories, 'SCIM directory', 'SCIM directories'),
      count(n.users, 'user', 'users'),
      count(n.groups, 'group', 'groups'),
      count(n.requests, 'logged request', 'logged requests'),
    ];
    lines.push(renderFields([['Contents', contents.join(', ')]]));
  }
  lines.push('');
  if (s.servers.length === 0) lines.push(c.dim('No scimctl serve is running on this database.'));
  else lines.push(renderTable(['PID', 'LOCAL URL', 'PUBLIC URL', 'STARTED'], s.servers.map((v) => [String(v.pid), v.localUrl, v.publicUrl ?? '-', v.startedAt])));
  return lines.join('\n');
}
