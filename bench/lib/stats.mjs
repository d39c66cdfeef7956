// Small numeric and formatting helpers shared by the bench sections.

/** Percentile by nearest rank on a sorted copy; p in [0, 100]. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

export function ms(value, digits = 2) {
  return Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a';
}

export function num(value, digits = 0) {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

export function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** A ratio compared against `goal`: a third decimal when two would round onto the goal (0.798 is not 0.80). */
export function ratioAgainst(value, goal) {
  return Number.isFinite(value) && value !== goal && Math.abs(value - goal) < 0.005 ? `${value.toFixed(3)}x` : ratio(value);
}

export function mb(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a';
}

/** A plain-text table: first row is the header; columns are padded, numbers right-aligned. */
export function table(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => String(r[col] ?? '').length)));
  const numeric = (s) => /^[-+]?[\d,.]+( ?(ms|MB|x|%|req\/s|us))?$/.test(s);
  const line = (r) =>
    r
      .map((cell, col) => {
        const s = String(cell ?? '');
        return numeric(s) ? s.padStart(widths[col]) : s.padEnd(widths[col]);
      })
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join('\n');
}

export function heading(text) {
  return `\n=== ${text} ${'='.repeat(Math.max(3, 76 - text.length))}`;
}
