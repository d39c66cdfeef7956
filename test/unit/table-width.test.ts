import { describe, expect, it } from 'vitest';
import { fit, renderTable } from '../../src/cli/table.js';
import { displayWidth, truncate } from '../../src/cli/width.js';

/** Terminal widths: what a cell takes on screen, cutting to fit, and tables aligned by it. */

describe('displayWidth', () => {
  it.each([
    ['ASCII', 'hello', 5],
    ['empty', '', 0],
    ['colour codes take none', '\u001b[36mid\u001b[39m', 2],
    ['Latin with accents (precomposed)', 'café', 4],
    ['a combining accent takes none', 'cafe\u0301', 4],
    ['CJK ideographs take two', '日本語', 6],
    ['Hangul takes two', '한국', 4],
    ['kana and ASCII mixed', 'アイdev', 7],
    ['fullwidth forms take two', 'ＡＢ', 4],
    ['an emoji takes two', '🎉', 2],
    ['an emoji with a skin tone is one emoji', '👍🏽', 2],
    ['a ZWJ family is one emoji', '👨‍👩‍👧', 2],
    ['a flag is one emoji', '🇫🇷', 2],
    ['a text-style symbol with VS16 takes two', '❤️', 2],
    ['a text-style symbol without takes one', '❤', 1],
    ['escaped control characters as shown', '^[]0;x', 6],
  ])('%s: %j is %i', (_name, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('truncate', () => {
  it.each([
    ['fits: unchanged', 'abcdef', 6, 'abcdef'],
    ['cut with an ellipsis', 'abcdefgh', 5, 'abcd…'],
    ['a wide character is not split', '日本語です', 6, '日本…'],
    ['an emoji is not split', 'a🎉b', 2, 'a…'],
    ['a whole-cell colour is kept around the cut', '\u001b[36mabcdefgh\u001b[39m', 4, '\u001b[36mabc…\u001b[39m'],
  ])('%s', (_name, text, width, expected) => {
    expect(truncate(text, width)).toBe(expected);
    expect(displayWidth(truncate(text, width))).toBeLessThanOrEqual(width);
  });
});

describe('fit', () => {
  it('shrinks the widest column first, never the first one or a kept one', () => {
    expect(fit([10, 40, 30], ['ID', 'NAME', 'URL'], 60)).toEqual([10, 23, 23]); // 84 wide: the two widest give up 24 in turns
    expect(fit([10, 40, 30], ['ID', 'NAME', 'URL'], 60, [2])).toEqual([10, 16, 30]);
  });
  it('stops at the headers: a table that cannot fit stays wider than the terminal', () => {
    expect(fit([30, 40], ['ID', 'DESCRIPTION'], 20)).toEqual([30, 11]);
  });
  it('leaves a table that fits alone', () => {
    expect(fit([5, 5], ['A', 'B'], 80)).toEqual([5, 5]);
  });
});

describe('renderTable', () => {
  it('aligns wide characters by their display width', () => {
    expect(renderTable(['NAME', 'X'], [['日本', '1'], ['ab', '2'], ['🎉', '3']])).toBe(['NAME  X', '日本  1', 'ab    2', '🎉    3'].join('\n'));
  });
  it('cuts cells to the terminal width when given one, and never otherwise', () => {
    const rows = [['id_1', 'a very long description that goes on and on', 'https://example.test/scim/v2/x']];
    const cut = renderTable(['ID', 'DESCRIPTION', 'URL'], rows, { maxWidth: 50, keep: [2] });
    expect(cut).toBe(['ID    DESCRIPTION   URL', 'id_1  a very long…  https://example.test/scim/v2/x'].join('\n'));
    for (const line of cut.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(50);
    expect(renderTable(['ID', 'DESCRIPTION', 'URL'], rows)).toContain('a very long description that goes on and on');
  });
});
