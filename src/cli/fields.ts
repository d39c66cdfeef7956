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
 * Keeps only `fields` of a JSON result: fields of an object, or of each object in a list, in the
 * order asked for. A dotted name reaches inside (`name.givenName`; through a list, each of its
 * objects: `directories.baseUrl`); a field an object lacks is left out, as gh does. A name whose
 * first part no object has is an error listing the fields there are (an empty list has none to
 * check against).
 */
export function selectFields(data: unknown, fields: readonly string[]): unknown {
  const objects = (Array.isArray(data) ? data : [data]).filter(isRecord);
  if (objects.length === 0) return data;
  const available = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const unknown = fields.filter((f) => !available.some((key) => f === key || f.startsWith(`${key}.`)));
  if (unknown.length) {
    const names = unknown.map((f) => `"${f}"`).join(', ');
    throw usageError(`invalid --fields "${fields.join(',')}": unknown field${unknown.length > 1 ? 's' : ''} ${names}`, `Available fields: ${[...available].sort().join(', ')}`);
  }
  const pick = (value: unknown) => (isRecord(value) ? fields.reduce<unknown>((kept, name) => merge(kept, pickPath(value, name)), {}) : value);
  return Array.isArray(data) ? data.map(pick) : pick(data);
}

/**
 * The part of `value` that `name` names, in the same shape (undefined where it leads nowhere). A key
 * that itself holds dots (a schema URN such as `…:enterprise:2.0:User`) is matched whole first.
 */
function pickPath(value: unknown, name: string): unknown {
  if (Array.isArray(value)) return value.map((item) => pickPath(item, name) ?? {});
  if (!isRecord(value)) return undefined;
  if (name in value) return { [name]: value[name] };
  for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
    const head = name.slice(0, dot);
    if (!(head in value)) continue;
    const inner = pickPath(value[head], name.slice(dot + 1));
    return inner === undefined ? undefined : { [head]: inner };
  }
  return undefined;
}

/** Two picks of one value put together (objects key by key, lists item by item). */
function merge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((item, i) => merge(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  }
  return b;
}
