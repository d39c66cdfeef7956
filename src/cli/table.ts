import { stripVTControlCharacters } from 'node:util';
import { safeCell } from './text.js';

/**
 * A plain aligned table; cells may carry colour codes, which do not count towards width. Control
 * characters inside a cell (from an IdP or a client) are escaped, so a value stays on its row.
 */
export function renderTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((row) => row.map(safeCell));
  const width = (s: string) => stripVTControlCharacters(s).length;
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `key: value` lines with the keys aligned; values escaped as table cells are. */
export function renderFields(fields: [string, string][]): string {
  const pad = Math.max(...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${(k + ':').padEnd(pad)} ${safeCell(v)}`).join('\n');
}
