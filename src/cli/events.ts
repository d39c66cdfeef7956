import type { Command } from 'commander';
import { hasPrefix, looksLikeId } from '../core/ids.js';
import { action } from './action.js';
import { safeCell, safeJson } from './text.js';
import { renderFields } from './table.js';
import { displayWidth } from './width.js';
import { CliError, notFoundError, usageError } from '../core/errors.js';
import { EVENT_TYPES, parseEventId, type Delivery, type EventQuery, type EventRecord } from '../store/index.js';
import { eventJson } from '../webhooks/payload.js';
import { deliver } from '../webhooks/deliver.js';
import type { Context } from './context.js';
import { followTable } from './follow.js';
import { parseListLimit, parseWebhookUrl } from './options.js';
import { findDirectory } from './pickers.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseTypes(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const unknown = values.filter((v) => !(EVENT_TYPES as readonly string[]).includes(v));
  if (unknown.length) throw usageError(`invalid --type "${unknown[0]}": give one of ${EVENT_TYPES.join(', ')}`);
  return [...new Set(values)];
}

/** The payload as the app receives it, as a value (for --json and --fields). */
const payload = (event: EventRecord) => JSON.parse(eventJson(event)) as Record<string, unknown>;

/** What an event is about, from its data: a user's email, a group's name, or both for a membership. */
function resource(event: EventRecord): string {
  const data = JSON.parse(event.data) as { email?: string; displayName?: string; group?: { displayName?: string }; user?: { email?: string } };
  if (event.type === 'group.user_added' || event.type === 'group.user_removed') return `${data.group?.displayName ?? ''}: ${data.user?.email ?? ''}`;
  return (event.type.startsWith('user.') ? data.email : data.displayName) ?? '';
}

const HEADERS = ['ID', 'TIME', 'TYPE', 'DIRECTORY', 'RESOURCE', 'REQUEST'];
/**
 * The directory whose events to list: one that exists (by id or name), or the id of one that was
 * deleted, whose events stay until they age out.
 */
function eventDirectory(ctx: Context, ref: string): string {
  try {
    return findDirectory(ctx.store, ref).id;
  } catch (error) {
    if (hasPrefix(ref, 'scim_directory') && looksLikeId(ref) && ctx.store.events.list({ directoryId: ref, limit: 1 }).length > 0) return ref;
    throw error;
  }
}

/** Never cut on a terminal: all but the directory and the resource. */
const KEEP = [1, 2, 5];
const RESOURCE = 4;

const row = (ctx: Context, e: EventRecord) => [ctx.color.dim(e.id), e.createdAt, e.type, e.directoryId, resource(e), e.requestId ?? ''];

const seqOf = (event: EventRecord) => event.seq;

export function registerEvents(program: Command): void {
  const events = program.command('events').description('inspect the events changes to users, groups and memberships make (what webhooks deliver)');
  for (const register of [registerEventsList, registerEventsShow, registerEventsResend]) register(events);
}

function registerEventsList(events: Command): void {
  events
    .command('list')
    .option('--directory <dir>', 'only events of this directory (id or name)')
    .option('--env <env>', 'only events of this environment (id or name)')
    .option('--type <type>', `only events of this type (repeatable): ${EVENT_TYPES.join(', ')}`, collect)
    .option('--limit <n>', 'how many of the most recent events to show; 0 for all', '50')
    .option('-f, --follow', 'keep printing new events as they are committed (with --json: one JSON object per line)')
    .description('list the most recent events, oldest first so the newest is last, like log list (--json: their payloads, same order)')
    .action(
      action(async (ctx, opts: { directory?: string; env?: string; type?: string[]; limit: string; follow?: boolean }) => {
        const types = parseTypes(opts.type);
        const limit = parseListLimit(opts.limit);
        const directoryId = opts.directory ? eventDirectory(ctx, opts.directory) : undefined;
        const environmentId = opts.env ? ctx.store.environments.get(opts.env).id : undefined;
        const query = { directoryId, environmentId, types };
        // Read first: an event committed while the list is read is then shown by --follow, not lost.
        const seen = ctx.store.events.latestSeq();
        // One past the limit: whether there are more than are shown.
        const newest = ctx.store.events.list({ ...query, limit: Math.min(limit, Number.MAX_SAFE_INTEGER - 1) + 1, newestFirst: true });
        const more = newest.length > limit;
        const shown = newest.slice(0, limit).reverse();
        if (opts.follow) {
          if (more) truncated(ctx, shown.length);
          await follow(ctx, query, shown, seen);
          return;
        }
        ctx.list(shown.map(payload), 'No events yet. Changes to users, groups and memberships make them.', () => ctx.table(HEADERS, shown.map((e) => row(ctx, e)), KEEP));
        // Under --json too: a script must not mistake the newest events for all of them.
        if (more) truncated(ctx, shown.length);
      }),
    );
}

function registerEventsShow(events: Command): void {
  events
    .command('show')
    .argument('<id>', 'event id (evt_…)')
    .description('show one event as webhooks deliver it, with its delivery attempts')
    .action(
      action(async (ctx, id: string) => {
        const event = findEvent(ctx, id);
        const deliveries = ctx.store.webhooks.deliveries(event.seq);
        ctx.result({ event: payload(event), deliveries }, () =>
          [
            renderFields([
              ['ID', event.id],
              ['Type', event.type],
              ['Time', event.createdAt],
              ['Directory', event.directoryId],
              ['Request', event.requestId ?? '-'],
            ]),
            '',
            ctx.color.bold('Payload'),
            safeJson(JSON.stringify(payload(event), null, 2)),
            '',
            ctx.color.bold('Deliveries'),
            deliveries.length
              ? ctx.table(['TIME', 'URL', 'STATUS', 'DURATION', 'RESPONSE'], deliveries.map((d) => [d.time, d.url, outcome(d), duration(d), d.response ?? '']), [0, 2, 3])
              : '(none)',
          ].join('\n'),
        );
      }),
    );
}

function registerEventsResend(events: Command): void {
  events
    .command('resend')
    .argument('<id>', 'event id (evt_…)')
    .option('--to <url>', 'where to send it (default: the URL events were last forwarded to)')
    .description("deliver one event again, signed with its environment's secret, and record the attempt")
    .action(
      action(async (ctx, id: string, opts: { to?: string }) => {
        const event = findEvent(ctx, id);
        const url = opts.to ?? ctx.store.webhooks.lastUrl();
        if (url === undefined) throw usageError('no URL to send to: events have not been forwarded from this database yet', 'Pass --to <url>');
        parseWebhookUrl(url, '--to');
        const { ok, ...delivery } = await deliver(url, event, ctx.store.webhooks.signingSecret(event.environmentId));
        ctx.store.webhooks.recordDelivery(event.seq, delivery);
        if (!ok) throw new CliError('runtime', `${event.id} to ${url}: ${outcome(delivery)} after ${duration(delivery)}`, `See \`scimctl events show ${event.id}\``);
        ctx.result({ id: event.id, ...delivery }, () => `${ctx.color.green('Delivered')} ${event.id} to ${safeCell(url)}: ${delivery.status} in ${duration(delivery)}`);
      }),
    );
}

const truncated = (ctx: Context, shown: number) =>
  ctx.notice(ctx.errColor.yellow(`Showing the newest ${shown} event${shown === 1 ? '' : 's'}; pass --limit 0 for all, or a larger --limit.`));

const outcome = (d: Delivery) => (d.status === null ? (d.error ?? 'no answer') : `HTTP ${d.status}`);
const duration = (d: Delivery) => `${Math.round(d.durationMs)}ms`;

function findEvent(ctx: Context, id: string): EventRecord {
  const seq = parseEventId(id);
  const event = seq === undefined ? undefined : ctx.store.events.get(seq);
  if (!event) throw notFoundError(`no event "${id}"`, 'See `scimctl events list`');
  return event;
}

/**
 * --follow's columns are fixed when it starts (rows arrive later): the id, an ISO time, the longest
 * type, a directory id; the resource gets the rest of a terminal (at least 20), or 40 when piped.
 */
function followWidths(ctx: Context, initial: EventRecord[]): number[] {
  const widths = [Math.max(16, ...initial.map((e) => e.id.length)), 24, 18, Math.max(20, ...initial.map((e) => e.directoryId.length)), 0, 10];
  const longest = Math.max(40, ...initial.map((e) => displayWidth(safeCell(resource(e)))));
  widths[RESOURCE] = ctx.terminalWidth ? Math.max(20, ctx.terminalWidth - widths.reduce((a, b) => a + b, 0) - 2 * (widths.length - 1)) : longest;
  return widths;
}

/** New events as they are committed, oldest to newest, until Ctrl-C: a cheap latestSeq check, then the rows. */
function follow(ctx: Context, query: Omit<EventQuery, 'limit' | 'afterSeq'>, initial: EventRecord[], seen: number): Promise<void> {
  return followTable(
    ctx,
    {
      headers: HEADERS,
      widths: followWidths(ctx, initial),
      row: (e) => row(ctx, e),
      json: payload,
      next: (from) => {
        const latest = ctx.store.events.latestSeq();
        if (latest <= from) return { items: [], after: from };
        const items = ctx.store.events.list({ ...query, afterSeq: from, limit: 1000 });
        // A full page may leave more behind it; a short one saw everything up to latest.
        return { items, after: items.length === 1000 ? items[items.length - 1]!.seq : Math.max(latest, ...items.map(seqOf)) };
      },
    },
    initial,
    // Everything up to here has been seen (shown, or filtered out).
    Math.max(seen, ...initial.map(seqOf)),
  );
}
