/**
 * Scanner for SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2). It is driven by the parser
 * rather than run up front because what a token is depends on where it sits: after a comparison
 * operator, older clients send unquoted values (`userName eq alice@contoso.com`) that would not
 * survive ordinary tokenising.
 */
import { badRequest, type ScimError } from '../errors.js';

export type TokenType = 'word' | 'string' | 'number' | 'literal' | '(' | ')' | '[' | ']' | 'eof';

export interface Token {
  readonly type: TokenType;
  /** The source text of the token, as written. */
  readonly text: string;
  /** Decoded value for string / number / literal (true, false, null) tokens. */
  readonly value?: string | number | boolean | null;
  /** 0-based offset in the input, like JSON.parse's "at position". */
  readonly pos: number;
}

export type ErrorKind = 'invalidFilter' | 'invalidPath' | 'invalidValue';

const LABELS: Record<ErrorKind, string> = { invalidFilter: 'filter', invalidPath: 'path', invalidValue: 'attribute path' };

const WHITESPACE = /[ \t\r\n]/;
// Attribute paths with schema URNs (`urn:…:2.0:User:manager.value`, and Entra's `http://…/Group`)
// are one word; the parser splits them.
const WORD_START = /[A-Za-z_$]/;
const WORD_CHAR = /[A-Za-z0-9_$\-.:/]/;
// A bare (unquoted) value runs to the next space or bracket.
const BARE_STOP = /[ \t\r\n()[\]"]/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class Lexer {
  pos = 0;

  constructor(
    readonly text: string,
    readonly errorKind: ErrorKind,
  ) {}

  error(pos: number, message: string): ScimError {
    return badRequest(this.errorKind, `Invalid ${LABELS[this.errorKind]} at position ${pos}: ${message}`);
  }

  peek(): Token {
    const save = this.pos;
    const token = this.next();
    this.pos = save;
    return token;
  }

  /** The token after the next one, for the `not` keyword that may also be an attribute name. */
  peekSecond(): Token {
    const save = this.pos;
    this.next();
    const token = this.next();
    this.pos = save;
    return token;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && WHITESPACE.test(this.text[this.pos]!)) this.pos++;
  }

  next(): Token {
    this.skipSpace();
    const start = this.pos;
    const ch = this.text[start];
    if (ch === undefined) return { type: 'eof', text: '', pos: start };
    if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      this.pos++;
      return { type: ch, text: ch, pos: start };
    }
    if (ch === '"') return this.string(start);
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const token = this.bare(start);
      if (token.type === 'number') return token;
      throw this.error(start, `unexpected "${token.text}"`);
    }
    if (WORD_START.test(ch)) {
      while (this.pos < this.text.length && WORD_CHAR.test(this.text[this.pos]!)) this.pos++;
      return { type: 'word', text: this.text.slice(start, this.pos), pos: start };
    }
    throw this.error(start, `unexpected character ${JSON.stringify(ch)}`);
  }

  /**
   * A comparison value: a JSON string, number, true/false/null, or — for clients that do not quote —
   * a bare run of characters taken as a string. Returns undefined when there is nothing to read.
   */
  value(): Token | undefined {
    this.skipSpace();
    const start = this.pos;
    const ch = this.text[start];
    if (ch === undefined || BARE_STOP.test(ch)) return ch === '"' ? this.string(start) : undefined;
    return this.bare(start);
  }

  private bare(start: number): Token {
    while (this.pos < this.text.length && !BARE_STOP.test(this.text[this.pos]!)) this.pos++;
    const text = this.text.slice(start, this.pos);
    if (JSON_NUMBER.test(text)) return { type: 'number', text, value: Number(text), pos: start };
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { type: 'literal', text, value: lower === 'true', pos: start };
    if (lower === 'null') return { type: 'literal', text, value: null, pos: start };
    return { type: 'string', text, value: text, pos: start };
  }

  private string(start: number): Token {
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) throw this.error(start, `unterminated string ${abbreviate(this.text.slice(start))}`);
    const text = this.text.slice(start, i + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.error(start, `invalid string ${abbreviate(text)} (bad escape or control character)`);
    }
    this.pos = i + 1;
    return { type: 'string', text, value: value as string, pos: start };
  }
}

/** How a token is named in error messages. */
export function describe(token: Token): string {
  if (token.type === 'eof') return 'end of input';
  return token.type === 'string' && token.text.startsWith('"') ? abbreviate(token.text) : `"${abbreviate(token.text)}"`;
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
