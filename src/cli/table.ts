import { safeCell } from './text.js';
import { displayWidth, truncate } from './width.js';

export interface TableOptions {
  /** The terminal's width: cells are cut (ending in …) so each row fits. Not given when piped: nothing is cut. */
  maxWidth?: number | undefined;
  /** Fixed column widths, for rows that arrive later (log list --follow); else the widest cell's. */
  widths?: number[] | undefined;
  /** Columns never cut besides the first: what people copy whole, such as a base URL. */
  keep?: number[] | undefined;
}

const GAP = 2;

/**
 * A plain aligned table; cells may carry colour codes, which do not count towards width, and wide
 * characters (CJK, emoji) count two columns. Control characters inside a cell (from an IdP or a
 * client) are escaped, so a value stays on its row.
 */
export function renderTable(headers: string[], cells: string[][], options: TableOptions = {}): string {
  const rows = cells.map((row) => row.map(safeCell));
  const natural = options.widths ?? headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const widths = options.maxWidth ? fit(natural, headers, options.maxWidth, options.keep) : natural;
  return [headers, ...rows].map((row) => tableRow(row, widths, options.maxWidth !== undefined)).join('\n');
}

/** One row: each cell padded to its column (cut first on a terminal); the last one not padded. */
export function tableRow(cells: string[], widths: number[], cut: boolean): string {
  return cells
    .map((raw, i) => {
      const cell = cut ? truncate(raw, widths[i]!) : raw;
      return i === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[i]! - displayWidth(cell)));
    })
    .join(' '.repeat(GAP))
    .trimEnd();
}

/**
 * Column widths that fit `maxWidth`: the widest column gives up a column at a time, as in gh. The
 * first column (the id people copy into the next command) and the `keep` ones are never cut, nor
 * any column below its header's width; a table that still does not fit is left wider than the terminal.
 */
export function fit(widths: number[], headers: string[], maxWidth: number, keep: number[] = []): number[] {
  const w = [...widths];
  const floor = w.map((width, i) => (i === 0 || keep.includes(i) ? width : Math.min(width, Math.max(displayWidth(headers[i] ?? ''), 4))));
  let excess = w.reduce((a, b) => a + b, 0) + GAP * (w.length - 1) - maxWidth;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < w.length; i++) if (w[i]! > floor[i]! && (widest === -1 || w[i]! > w[widest]!)) widest = i;
    if (widest === -1) break;
    // Down to the next widest column at once (or the floor, or just the excess), not one by one.
    // A tie shrinks in turns, one column at a time, so equal columns stay equal.
    const tie = w.some((x, i) => i !== widest && x === w[widest] && x > floor[i]!);
    const next = Math.max(floor[widest]!, ...w.filter((x) => x < w[widest]!));
    const step = tie ? 1 : Math.max(1, Math.min(excess, w[widest]! - next));
    w[widest]! -= step;
    excess -= step;
  }
  return w;
}

/** `key: value` lines with the keys aligned; values escaped as table cells are. */
export function renderFields(fields: [string, string][]): string {
  const pad = Math.max(...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${(k + ':').padEnd(pad)} ${safeCell(v)}`).join('\n');
}
