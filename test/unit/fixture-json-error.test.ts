import { describe, expect, it } from 'vitest';
import { jsonErrorAt } from '../../src/fixtures/json-error.js';

describe('jsonErrorAt', () => {
  it.each<[string, string]>([
    ['{\n  "version": 1,\n  "environments": [,]\n}', '3:20 unexpected ","'],
    ['{"a": 1,}', '1:9 trailing comma before "}"'],
    ['{"a": "x\ny"}', '1:9 control character in a string (a line break inside quotes?)'],
    ['{"a" 1}', '1:6 expected ":" after a property name'],
    ["{'a': 1}", `1:2 expected a property name in double quotes, got "'"`],
    ['[1 2]', '1:4 expected "," or "]", got "2"'],
    ['{"a": tru}', '1:7 unexpected "t"'],
    ['', '1:1 unexpected end of file'],
    ['{"a": 1}}', '1:9 unexpected "}" after the end of the document'],
    ['{"a": "\\x"}', '1:9 invalid escape'],
    ['{"a": "open', '1:12 unterminated string'],
  ])('finds the error in %j', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    const at = jsonErrorAt(text)!;
    expect(`${at.line}:${at.column} ${at.problem}`).toBe(expected);
  });

  it.each(['{}', '[]', '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]}', ' 42 '])('accepts valid JSON %j', (text) => {
    expect(jsonErrorAt(text)).toBeUndefined();
  });
});
