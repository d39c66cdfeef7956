import { usageError } from '../core/errors.js';

/** A flag that takes a whole number of at least 1, e.g. --limit. */
export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw usageError(`invalid ${flag} "${value}": give a whole number of at least 1`);
  return n;
}
