import type { Context } from './context.js';
import { tableRow } from './table.js';
import { safeCell } from './text.js';

/** What `--follow` needs of a listing (the request log, events). */
export interface Followed<T> {
  headers: string[];
  /** Column widths, fixed at the start so the rows line up as they come. */
  widths: number[];
  row: (item: T) => string[];
  /** The item as one `--json` line. */
  json: (item: T) => unknown;
  /** The items committed after `after`, oldest first, and where to ask from next time. */
  next: (after: number) => { items: T[]; after: number };
}

const POLL_MS = 200;

/**
 * Print the first rows, then new ones as they are committed, until Ctrl-C: a table (its header
 * once), or one JSON object per line. SQLite in WAL mode lets this read while `serve` writes.
 */
export async function followTable<T>(ctx: Context, followed: Followed<T>, initial: T[], after: number): Promise<void> {
  const cut = ctx.terminalWidth !== undefined;
  const write = (line: string) => ctx.io.stdout.write(line + '\n');
  const print = (items: T[]) => {
    for (const item of items) {
      if (ctx.json) write(JSON.stringify(ctx.keepFields(followed.json(item))));
      else write(tableRow(followed.row(item).map(safeCell), followed.widths, cut));
    }
  };
  if (!ctx.json) write(tableRow(followed.headers, followed.widths, cut));
  print(initial);
  let cursor = after;
  let stopped = false;
  ctx.io.onStop(() => (stopped = true));
  while (!stopped) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (stopped) break;
    const next = followed.next(cursor);
    print(next.items);
    cursor = next.after;
  }
}
