/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 * Precedence, tightest first: `not`, parentheses and value paths; then `and`; then `or`.
 * Keywords and operators are case-insensitive; `and`/`or` chains associate to the left.
 */
import { allSchemas, ENTRA_GROUP_SCHEMA } from '../schemas.js';
import type { AttrPath, CompareOp, Filter, PatchPath } from './ast.js';
import { describe, Lexer, type ErrorKind, type Token } from './lexer.js';

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const KEYWORDS = new Set(['and', 'or', 'not']);
// Schema URNs are matched first so the bare URN and URNs whose last segment holds a dot
// (`…:2.0:User`) are split where the schema ends, not at an arbitrary colon.
const KNOWN_URNS = [...allSchemas.map((s) => s.id), ENTRA_GROUP_SCHEMA].map((u) => u.toLowerCase());
// Names become JSON path segments in SQL; anything outside this set is refused here already.
const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9:._/-]*[A-Za-z0-9]$/;
const SUB_ATTR_AFTER_BRACKET = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)$/;

const isWord = (token: Token, word: string) => token.type === 'word' && token.text.toLowerCase() === word;
const isOperator = (token: Token) =>
  token.type === 'word' && (COMPARE_OPS.has(token.text.toLowerCase()) || token.text.toLowerCase() === 'pr');

// Entra's match query (`userName eq "…"`) is the most frequent request a directory gets: a plain
// `name eq "string"` skips the lexer. Anything else (escapes, dots, URNs, other operators, extra
// spaces) goes through the full parser, which builds exactly the same tree for these.
const SIMPLE_EQUALITY = /^([A-Za-z_$][A-Za-z0-9_$-]*) eq "([^"\\\u0000-\u001f]*)"$/i;

/** The fast path alone: the tree for a plain `name eq "string"`, else undefined. */
export function simpleEquality(text: string): Filter | undefined {
  const match = text.length <= MAX_FILTER_LENGTH ? SIMPLE_EQUALITY.exec(text) : null;
  if (!match || KEYWORDS.has(match[1]!.toLowerCase())) return undefined;
  const path: AttrPath = Object.freeze({ kind: 'attrPath', uri: undefined, attr: match[1]!, sub: undefined });
  return Object.freeze({ kind: 'compare', op: 'eq', path, value: match[2]! });
}

/** Parse a filter. Throws ScimError 400 `invalidFilter` naming the position and offending text. */
export function parseFilter(text: string): Filter {
  const simple = simpleEquality(text);
  if (simple) return simple;
  const lx = new Lexer(text, 'invalidFilter');
  checkLength(lx);
  const parser = new Parser(lx);
  if (lx.peek().type === 'eof') throw lx.error(0, 'the filter is empty');
  const filter = parser.or(false);
  const rest = lx.next();
  if (rest.type !== 'eof') {
    if (rest.type === ')') throw lx.error(rest.pos, 'unbalanced ")"');
    throw lx.error(rest.pos, `expected "and", "or" or the end of the filter, found ${describe(rest)}`);
  }
  return filter;
}

/** Parse a PATCH path: `attrPath`, or `attr[filter]` optionally followed by `.subAttr`. Throws `invalidPath`. */
export function parsePatchPath(text: string): PatchPath {
  const lx = new Lexer(text, 'invalidPath');
  checkLength(lx);
  const first = lx.next();
  if (first.type !== 'word') throw lx.error(first.pos, `expected an attribute path, found ${describe(first)}`);
  const path = toAttrPath(lx, first);
  let filter: Filter | undefined;
  let subAttr: string | undefined;
  if (lx.peek().type === '[') {
    filter = new Parser(lx).valueFilter(path, lx.next());
    const rest = text.slice(lx.pos).trimEnd();
    if (rest.startsWith('.')) {
      const match = SUB_ATTR_AFTER_BRACKET.exec(rest);
      if (!match) throw lx.error(lx.pos, `invalid sub-attribute "${rest.slice(1)}" after "]"`);
      subAttr = match[1];
      lx.pos = text.length;
    }
  }
  const end = lx.next();
  if (end.type !== 'eof') throw lx.error(end.pos, `unexpected ${describe(end)} after the path`);
  return Object.freeze({ kind: 'patchPath', path, filter, subAttr });
}

/** Parse a bare `[uri:]attr[.sub]`, as used by `sortBy` and `attributes`. */
export function parseAttrPath(text: string, errorKind: ErrorKind = 'invalidFilter'): AttrPath {
  const lx = new Lexer(text, errorKind);
  checkLength(lx);
  const token = lx.next();
  if (token.type !== 'word') throw lx.error(token.pos, `expected an attribute path, found ${describe(token)}`);
  const path = toAttrPath(lx, token);
  const end = lx.next();
  if (end.type !== 'eof') throw lx.error(end.pos, `unexpected ${describe(end)} after "${token.text}"`);
  return path;
}

function checkLength(lx: Lexer): void {
  if (lx.text.length > MAX_FILTER_LENGTH) {
    throw lx.error(MAX_FILTER_LENGTH, `the input is ${lx.text.length} characters long; the maximum is ${MAX_FILTER_LENGTH}`);
  }
}

class Parser {
  private depth = 0;

  constructor(private readonly lx: Lexer) {}

  or(inValuePath: boolean): Filter {
    let left = this.and(inValuePath);
    while (isWord(this.lx.peek(), 'or')) {
      this.lx.next();
      const right = this.and(inValuePath);
      left = Object.freeze({ kind: 'or', left, right });
    }
    return left;
  }

  private and(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (isWord(this.lx.peek(), 'and')) {
      this.lx.next();
      const right = this.unary(inValuePath);
      left = Object.freeze({ kind: 'and', left, right });
    }
    return left;
  }

  private unary(inValuePath: boolean): Filter {
    const { lx } = this;
    const token = lx.peek();
    if (token.type === '(') {
      lx.next();
      const inner = this.nested(() => this.or(inValuePath), token);
      const close = lx.next();
      if (close.type !== ')') throw lx.error(close.pos, `expected ")" to close the "(" at position ${token.pos}, found ${describe(close)}`);
      return inner;
    }
    // `not` is a keyword unless an operator follows it, in which case it names an attribute.
    if (isWord(token, 'not') && !isOperator(lx.peekSecond())) {
      lx.next();
      const filter = this.nested(() => this.unary(inValuePath), token);
      return Object.freeze({ kind: 'not', filter });
    }
    if (token.type !== 'word' || isWord(token, 'and') || isWord(token, 'or')) {
      throw lx.error(token.pos, `expected an attribute path, "not" or "(", found ${describe(token)}`);
    }
    lx.next();
    const path = toAttrPath(lx, token);
    const open = lx.peek();
    if (open.type === '[') {
      if (inValuePath) throw lx.error(open.pos, `value filters cannot be nested ("${token.text}[" inside "[...]")`);
      const filter = this.valueFilter(path, lx.next());
      if (lx.text[lx.pos] === '.') throw lx.error(lx.pos, 'a sub-attribute after "]" is only allowed in PATCH paths');
      return Object.freeze({ kind: 'valuePath', path, filter });
    }
    return this.comparison(path, token);
  }

  /** The `[...]` after a multi-valued attribute; `open` is the already consumed `[`. */
  valueFilter(path: AttrPath, open: Token): Filter {
    const { lx } = this;
    if (path.sub !== undefined) {
      throw lx.error(open.pos, `"[" must follow the multi-valued attribute itself, not the sub-attribute "${path.attr}.${path.sub}"`);
    }
    if (lx.peek().type === ']') throw lx.error(lx.peek().pos, 'empty "[]"');
    const filter = this.nested(() => this.or(true), open);
    const close = lx.next();
    if (close.type !== ']') throw lx.error(close.pos, `expected "]" to close the "[" at position ${open.pos}, found ${describe(close)}`);
    return filter;
  }

  private comparison(path: AttrPath, attrToken: Token): Filter {
    const { lx } = this;
    const opToken = lx.next();
    const op = opToken.type === 'word' ? opToken.text.toLowerCase() : '';
    if (op === 'pr') return Object.freeze({ kind: 'present', path });
    if (!COMPARE_OPS.has(op)) {
      throw lx.error(opToken.pos, `expected a comparison operator after "${attrToken.text}", found ${describe(opToken)}`);
    }
    const valueToken = lx.value();
    const bareKeyword = valueToken?.type === 'string' && !valueToken.text.startsWith('"') && KEYWORDS.has(valueToken.text.toLowerCase());
    if (!valueToken || bareKeyword) {
      const found = valueToken ?? lx.peek();
      throw lx.error(found.pos, `expected a value after "${opToken.text}", found ${describe(found)}`);
    }
    const value = valueToken.value === undefined ? null : valueToken.value;
    return Object.freeze({ kind: 'compare', op: op as CompareOp, path, value });
  }

  private nested<T>(parse: () => T, at: Token): T {
    if (++this.depth > MAX_FILTER_DEPTH) throw this.lx.error(at.pos, `nesting deeper than ${MAX_FILTER_DEPTH} levels`);
    const result = parse();
    this.depth--;
    return result;
  }
}

/** Split a path word into schema URI, attribute and sub-attribute, validating each part. */
function toAttrPath(lx: Lexer, token: Token): AttrPath {
  const text = token.text;
  const lower = text.toLowerCase();
  const known = KNOWN_URNS.find((urn) => lower === urn || lower.startsWith(`${urn}:`));
  const colon = known ? known.length : text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (uri !== undefined && !URI.test(uri)) throw lx.error(token.pos, `invalid schema URI "${uri}"`);
  if (rest === '') throw lx.error(token.pos, `expected an attribute name after the schema URI "${uri}"`);
  const [attr = '', sub, extra] = rest.split('.');
  if (extra !== undefined) throw lx.error(token.pos, `"${rest}" has more than one "." (only attribute.subAttribute is allowed)`);
  for (const name of sub === undefined ? [attr] : [attr, sub]) {
    if (!NAME.test(name)) throw lx.error(token.pos, `invalid attribute name "${name}" in "${text}"`);
  }
  return Object.freeze({ kind: 'attrPath', uri, attr, sub });
}
