import { usageError } from '../core/errors.js';

/** A flag that takes a whole number of at least 1, e.g. --limit. */
export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw usageError(`invalid ${flag} "${value}": give a whole number of at least 1`);
  return n;
}

/** A list's --limit: a whole number, or 0 for no limit (every row). */
export function parseListLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw usageError(`invalid --limit "${value}": give a whole number (0 for no limit)`);
  return n === 0 ? Number.MAX_SAFE_INTEGER : n;
}
