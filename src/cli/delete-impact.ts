import type { Directory } from '../store/index.js';
import { count } from './text.js';
import type { Context } from './context.js';


/** What a delete takes with it, counted, e.g. "1 SCIM directory, 6 users and 4 groups". */
export function whatGoes(ctx: Context, directories: Directory[], extra: string[] = []): string {
  let users = 0;
  let groups = 0;
  for (const d of directories) {
    const details = ctx.store.directories.details(d.id);
    users += details.userCount;
    groups += details.groupCount;
  }
  const parts = [...extra, count(directories.length, 'SCIM directory', 'SCIM directories'), count(users, 'user', 'users'), count(groups, 'group', 'groups')];
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Said before a delete: an IdP talking to a running serve would start getting 404s. */
export function warnIfServing(ctx: Context, directories: Directory[]): void {
  const live = ctx.store.servers.live();
  if (live.length === 0 || directories.length === 0 || ctx.json) return;
  const pids = live.map((s) => s.pid).join(', ');
  ctx.notice(ctx.errColor.yellow(`warning: scimctl serve (pid ${pids}) is running on this database; IdPs provisioning to what you delete will get 404s`));
}
