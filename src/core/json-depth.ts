/**
 * How deeply a request body (or a fixture's user or group) may nest. SCIM resources nest three
 * levels and PATCH values a few more; every later step (copying, PATCH, rendering the answer)
 * recurses, so a body nested thousands deep must be refused up front, not overflow the stack there.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` (a parsed JSON body) nests deeper than `limit`; stops as soon as it knows. */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const visit = (v: unknown, depth: number): boolean => {
    if (typeof v !== 'object' || v === null) return false;
    if (depth > limit) return true;
    if (Array.isArray(v)) return v.some((item) => visit(item, depth + 1));
    for (const key of Object.keys(v)) if (visit((v as Record<string, unknown>)[key], depth + 1)) return true;
    return false;
  };
  return visit(value, 1);
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The same question as nestsDeeperThan, asked of the raw bytes before JSON.parse: a body nested
 * millions deep takes JSON.parse seconds to build, so it must be refused before that, in one pass.
 * Counts `[`/`{` nesting outside strings; a quote inside a string ends it unless escaped. Bytes of
 * multi-byte UTF-8 characters are all >= 0x80, so they never look like brackets or quotes. For
 * text that is not valid JSON the answer only has to be safe: JSON.parse rejects it afterwards.
 */
export function bytesNestDeeperThan(bytes: Uint8Array, limit: number = MAX_JSON_DEPTH): boolean {
  // Nesting past `limit` needs more than `limit` opening brackets.
  if (bytes.length <= limit) return false;
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      i = closingQuote(bytes, i + 1);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Index of the quote that ends the string starting at `from` (bytes.length if it never ends). A
 * quote preceded by an odd run of backslashes is escaped. indexOf jumps over string contents far
 * faster than a byte loop, and string contents are most of a large body.
 */
function closingQuote(bytes: Uint8Array, from: number): number {
  let at = bytes.indexOf(QUOTE, from);
  while (at >= 0) {
    let backslashes = 0;
    while (at - backslashes - 1 >= from && bytes[at - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  return bytes.length;
}
