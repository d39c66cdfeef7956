/**
 * Filter value coercions shared by the SQL compiler and the in-memory evaluator, so that a PATCH
 * value-path filter and a GET filter read the same literal the same way.
 */
import { badRequest } from '../errors.js';
import { stringBoolean } from '../quirks/values.js';
import type { FilterValue } from './ast.js';

/** `true`/`false`, or (quirk stringBoolean) the strings Entra sends for them; undefined otherwise. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' ? stringBoolean(value.trim()) : undefined;
}

// A date-time without an offset would otherwise be read in the server's local zone, making the
// same filter match different resources on different machines; SCIM timestamps are UTC.
const NO_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The instant as `toISOString()` text (how timestamps are stored), or undefined if not a date. */
export function toIsoDateTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  const date = new Date(NO_OFFSET.test(text) ? `${text}Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** `meta.version` is rendered `W/"3"`; accept that, `"3"` or `3`. */
export function toVersionNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** A number, or a numeric string, for integer/decimal attributes. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function describeValue(value: FilterValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export const invalidValueFor = (attribute: string, expected: string, value: FilterValue) =>
  badRequest('invalidFilter', `Invalid filter: ${attribute} expects ${expected}, got ${describeValue(value)}`);
