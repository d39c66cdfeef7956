/**
 * Write-only secrets out of logged request bodies. RFC 7643 §7 marks attributes such as `password`
 * `returned: "never"`: the server must never give them back, and a request log that shows the raw
 * body would. Every attribute the schemas mark so is replaced by REDACTED wherever it appears: as a
 * key at any depth, in any case, URN-qualified, or as the `path` of a PATCH operation.
 */
import { bytesNestDeeperThan } from '../core/json-depth.js';
import { findKey, isPlainObject } from './json.js';
import { allSchemas, commonAttributes, type AttributeDef } from './schemas.js';

export const REDACTED = '[redacted]';

function writeOnlyNames(defs: readonly AttributeDef[], into: Set<string>): Set<string> {
  for (const def of defs) {
    if (def.returned === 'never') into.add(def.name.toLowerCase());
    if (def.subAttributes) writeOnlyNames(def.subAttributes, into);
  }
  return into;
}

const NAMES = writeOnlyNames([...commonAttributes, ...allSchemas.flatMap((s) => s.attributes)], new Set());
const alternation = [...NAMES].map((n) => n.replace(/[$]/g, '\\$')).join('|');
// `\u00` too: a client may escape a letter of the name (`p\u0061ssword`), which only parsing reveals.
const MENTION = new RegExp(`${alternation}|\\\\u00`, 'i');
const NAMED = new RegExp(alternation, 'i');

/**
 * A cheap test for the request hot path: false means the body cannot hold a write-only attribute,
 * so it is logged byte-exact without being parsed.
 */
export function mayHoldWriteOnly(text: string): boolean {
  return MENTION.test(text);
}

/**
 * `text` with every write-only value replaced by REDACTED: re-serialised when it is JSON and held
 * one, unchanged when it held none. Text that is not JSON (truncated, malformed, nested too deep to
 * parse safely) is redacted textually.
 */
export function redactWriteOnly(text: string): string {
  let parsed: unknown;
  try {
    if (bytesNestDeeperThan(new TextEncoder().encode(text))) return redactText(text);
    parsed = JSON.parse(text);
  } catch {
    return redactText(text);
  }
  return redactValue(parsed) ? JSON.stringify(parsed) : text;
}

/** True when `name` (a key or a PATCH path) addresses a write-only attribute. */
export function namesWriteOnly(rawName: string): boolean {
  // The PATCH engine trims paths, so `"path": " password "` reaches the password: so must this.
  const name = rawName.trim();
  const bracket = name.indexOf('[');
  const plain = bracket < 0 ? name : name.slice(0, bracket);
  const attribute = plain.slice(plain.lastIndexOf(':') + 1);
  const dot = attribute.indexOf('.');
  return NAMES.has((dot < 0 ? attribute : attribute.slice(0, dot)).toLowerCase());
}

/** Redacts in place; true when anything was. The value was parsed within the depth limit. */
function redactValue(value: unknown): boolean {
  let changed = false;
  if (Array.isArray(value)) {
    for (const item of value) changed = redactValue(item) || changed;
    return changed;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (namesWriteOnly(key)) {
      value[key] = REDACTED;
      changed = true;
    } else {
      changed = redactValue(value[key]) || changed;
    }
  }
  // A PATCH operation whose path names the attribute carries the secret in its `value`.
  const path = value[findKey(value, 'path')];
  const valueKey = findKey(value, 'value');
  if (typeof path === 'string' && namesWriteOnly(path) && Object.hasOwn(value, valueKey)) {
    value[valueKey] = REDACTED;
    changed = true;
  }
  return changed;
}

/**
 * For text that does not parse (malformed, cut short): the values of keys that name a write-only
 * attribute, and every `value` (a PATCH operation's, whose path cannot be trusted here). One pass
 * over string tokens, so a hostile body costs linear time (a regex over it backtracked
 * quadratically: 64 KB took 0.65 s).
 */
function redactText(text: string): string {
  // Without the name itself (only a `\u00` escape) there is nothing to find in text that does not parse.
  if (!NAMED.test(text)) return text;
  let out = '';
  let copied = 0;
  let at = text.indexOf('"');
  while (at >= 0 && at < text.length) {
    const end = closingQuote(text, at + 1);
    const key = text.slice(at + 1, end);
    let next = skipSpace(text, end + 1);
    if (text[next] === ':' && (namesWriteOnly(key) || key.trim().toLowerCase() === 'value')) {
      const start = skipSpace(text, next + 1);
      const valueEnd = text[start] === '"' ? Math.min(closingQuote(text, start + 1) + 1, text.length) : scalarEnd(text, start);
      // Objects and arrays are not replaced whole: the scan goes on inside them.
      if (valueEnd > start) {
        out += `${text.slice(copied, start)}"${REDACTED}"`;
        copied = next = valueEnd;
      }
    }
    at = text.indexOf('"', Math.max(next, end + 1));
  }
  return out + text.slice(copied);
}

/** Index of the quote closing a string whose content starts at `from` (text.length if it never closes). */
function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  return i;
}

/** End of a number, literal or other bare token; objects and arrays have none here. */
function scalarEnd(text: string, from: number): number {
  let i = from;
  if (text[i] === '{' || text[i] === '[') return from;
  while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
  return i;
}
