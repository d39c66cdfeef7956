import type { Command } from 'commander';
import { action } from './action.js';
import { escapeControls, safeCell, safeJson } from './text.js';
import { renderFields } from './table.js';
import { displayWidth } from './width.js';
import { notFoundError, usageError } from '../core/errors.js';
import { parseLogId, type LogQuery, type LogRecord } from '../store/index.js';
import type { Context } from './context.js';
import { followTable } from './follow.js';
import { parseListLimit } from './options.js';

function parseStatus(value: string | undefined): LogQuery['status'] {
  if (value === undefined) return undefined;
  const klass = /^([1-5])xx$/i.exec(value);
  if (klass) return { klass: Number(klass[1]) };
  if (/^[1-5]\d\d$/.test(value)) return { exact: Number(value) };
  throw usageError(`invalid --status "${value}": give a status such as 404 or a class such as 4xx`);
}

/** A list row: everything but the bodies (see `log show`). */
const summary = ({ requestBody: _q, responseBody: _r, requestKey: _k, ...rest }: LogRecord) => rest;

/** `log show --json`: the bodies as JSON values when they parse (a client may send anything), else as text. */
const detailed = ({ requestKey: _k, ...entry }: LogRecord) => ({ ...entry, requestBody: jsonOrText(entry.requestBody), responseBody: jsonOrText(entry.responseBody) });

function jsonOrText(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function row(ctx: Context, e: LogRecord): string[] {
  const c = ctx.color;
  const status = e.status >= 500 ? c.red(String(e.status)) : e.status >= 400 ? c.yellow(String(e.status)) : c.green(String(e.status));
  // The query is not dimmed: a cell is escaped as a whole, and only a colour around all of it survives that.
  return [c.dim(e.id), e.time, e.method, e.path + (e.query ? '?' + e.query : ''), status, `${e.durationMs.toFixed(1)}ms`, e.errorKind ?? ''];
}

const HEADERS = ['ID', 'TIME', 'METHOD', 'PATH', 'STATUS', 'DURATION', 'ERROR'];
/** Never cut on a terminal: all but the path and the error kind. */
const KEEP = [1, 2, 4, 5];
const PATH = 3;

/**
 * --follow's columns are fixed when it starts (rows arrive later, so no cell can widen a column):
 * the longest id so far with room to grow, an ISO time, the longest method, a status, a duration.
 * The path gets the rest of the terminal (at least 20), cut to it; piped, where nothing is cut, the
 * longest path so far (at least 60, room for a directory's prefix and a resource id), and a longer
 * one later only pushes its own row's last columns right.
 */
function followWidths(ctx: Context, initial: LogRecord[]): number[] {
  const id = Math.max(10, ...initial.map((e) => e.id.length + 2));
  // The error kinds fit in 18 (preconditionFailed).
  const fixed = [id, 24, 7, 0, 6, 10, 18];
  const longest = Math.max(60, ...initial.map((e) => displayWidth(safeCell(e.path + (e.query ? '?' + e.query : '')))));
  fixed[PATH] = ctx.terminalWidth ? Math.max(20, ctx.terminalWidth - fixed.reduce((a, b) => a + b, 0) - 2 * (fixed.length - 1)) : longest;
  return fixed;
}

export function registerLog(program: Command): void {
  const log = program.command('log').description('inspect the SCIM request log');

  log
    .command('list')
    .option('--directory <dir>', 'only requests to this directory')
    .option('--status <status>', 'only this status (404) or class (4xx)')
    .option('--limit <n>', 'how many of the most recent requests to show; 0 for all', '50')
    .option('-f, --follow', 'keep printing new requests as they arrive (with --json: one JSON object per line)')
    .description('list the most recent logged requests, oldest first so the newest is last, like tail and kubectl logs (--json: same order; bodies: see log show)')
    .action(
      action(async (ctx, opts: { directory?: string; status?: string; limit: string; follow?: boolean }) => {
        const directoryId = opts.directory ? ctx.store.directories.get(opts.directory).id : undefined;
        const status = parseStatus(opts.status);
        const limit = parseListLimit(opts.limit);
        const entries = ctx.store.requestLog.query({ directoryId, status, limit }).reverse();
        if (!opts.follow) {
          ctx.list(entries.map(summary), 'No requests logged yet.', () => ctx.table(HEADERS, entries.map((e) => row(ctx, e)), KEEP));
          return;
        }
        await follow(ctx, { directoryId, status, limit }, entries);
      }),
    );

  log
    .command('show')
    .argument('<id>', 'request id (req_…)')
    .description('show one request with its bodies (never the Authorization header: it is not stored)')
    .action(
      action(async (ctx, id: string) => {
        const entry = ctx.store.requestLog.find(id);
        if (!entry) throw notFoundError(`no logged request "${id}"`, 'See `scimctl log list`');
        ctx.result(detailed(entry), () =>
          [
            renderFields([
              ['ID', entry.id],
              ['Time', entry.time],
              ['Directory', entry.directoryId ?? '-'],
              ['Request', `${entry.method} ${entry.path}${entry.query ? '?' + entry.query : ''}`],
              ['Status', String(entry.status)],
              ['Duration', `${entry.durationMs}ms`],
              ['Error', entry.errorKind ?? '-'],
              ['User agent', entry.userAgent ?? '-'],
              ['Remote', entry.remoteAddress ?? '-'],
            ]),
            '',
            ctx.color.bold('Request body'),
            pretty(entry.requestBody),
            '',
            ctx.color.bold('Response body'),
            pretty(entry.responseBody),
          ].join('\n'),
        );
      }),
    );
}

function pretty(body: string | null): string {
  if (!body) return '(none)';
  const value = jsonOrText(body);
  // jsonOrText hands back the very same string when it is not JSON.
  if (value !== body) return safeJson(JSON.stringify(value, null, 2));
  // Whatever a client sent: its lines kept, any other control character shown, not obeyed.
  return body.split('\n').map(escapeControls).join('\n');
}

/** New rows as they are logged, until Ctrl-C. */
function follow(ctx: Context, query: Omit<LogQuery, 'afterSeq'>, initial: LogRecord[]): Promise<void> {
  const seqOf = (e: LogRecord) => parseLogId(e.id)!;
  const after = initial.length ? seqOf(initial[initial.length - 1]!) : ctx.store.requestLog.lastSeq();
  return followTable(
    ctx,
    {
      headers: HEADERS,
      widths: followWidths(ctx, initial),
      row: (e) => row(ctx, e),
      json: summary,
      next: (from) => {
        const items = ctx.store.requestLog.query({ ...query, afterSeq: from, limit: 1000 });
        return { items, after: items.length ? seqOf(items[items.length - 1]!) : from };
      },
    },
    initial,
    after,
  );
}
