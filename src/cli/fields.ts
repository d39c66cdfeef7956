import { usageError } from '../core/errors.js';
import { USAGE_HINT } from './options.js';

/** `--fields a,b,c`: the names, trimmed, in the order given; empty or repeated names are usage errors. */
export function parseFields(value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw usageError(`invalid --fields "${value}": give field names separated by commas, such as id,name`, USAGE_HINT);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw usageError(`invalid --fields "${value}": "${repeated}" is given twice`, USAGE_HINT);
  return names;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keeps only `fields` of a JSON result: the top-level fields of an object, or of each object in a
 * list, in the order asked for; a field an object lacks is left out, as gh does. A name that no
 * object has is an error listing the fields there are (an empty list has none to check against).
 */
export function selectFields(data: unknown, fields: readonly string[]): unknown {
  const objects = (Array.isArray(data) ? data : [data]).filter(isRecord);
  if (objects.length === 0) return data;
  const available = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const unknown = fields.filter((f) => !available.includes(f));
  if (unknown.length) {
    const names = unknown.map((f) => `"${f}"`).join(', ');
    throw usageError(`invalid --fields "${fields.join(',')}": unknown field${unknown.length > 1 ? 's' : ''} ${names}`, `Available fields: ${[...available].sort().join(', ')}`);
  }
  const pick = (value: unknown) => (isRecord(value) ? Object.fromEntries(fields.filter((f) => f in value).map((f) => [f, value[f]])) : value);
  return Array.isArray(data) ? data.map(pick) : pick(data);
}
