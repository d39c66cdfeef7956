import { stripVTControlCharacters } from 'node:util';

/**
 * Code points a terminal draws two columns wide (Unicode East Asian Width W and F): CJK, Hangul,
 * kana, fullwidth forms. Emoji are found by their property instead (see graphemeWidth).
 */
const WIDE: [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1b000, 0x1b2ff], [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

const isWide = (cp: number) => WIDE.some(([lo, hi]) => cp >= lo && cp <= hi);
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\u200b]+$/u;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Columns one grapheme (a letter with its accents, an emoji with its modifiers) takes on a terminal. */
function graphemeWidth(grapheme: string): number {
  if (EMOJI.test(grapheme)) return 2;
  if (ZERO.test(grapheme)) return 0;
  return isWide(grapheme.codePointAt(0)!) ? 2 : 1;
}

/** The columns text takes on a terminal: colour codes take none, wide characters two. */
export function displayWidth(text: string): number {
  const plain = stripVTControlCharacters(text);
  // Plain ASCII, the common case, needs no segmenting.
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const { segment } of segmenter.segment(plain)) width += graphemeWidth(segment);
  return width;
}

/** The longest start of plain text (no colour codes) that fits in `width` columns, whole graphemes only. */
function fitStart(plain: string, width: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(plain)) {
    const w = graphemeWidth(segment);
    if (used + w > width) break;
    out += segment;
    used += w;
  }
  return out;
}

/** Colour codes that wrap a whole cell: kept around the cut text. */
const WRAPPED = /^((?:\u001b\[[0-9;]*m)*)([^\u001b]*)((?:\u001b\[[0-9;]*m)*)$/;

/**
 * Text cut to `width` columns, ending in `…` when cut. A cell wrapped in one colour keeps it; a cell
 * mixing colours is cut as plain text (its colours are dropped, its characters kept).
 */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const [, open = '', inner, close = ''] = WRAPPED.exec(text) ?? [];
  const plain = inner ?? stripVTControlCharacters(text);
  const cut = fitStart(plain, width - 1) + '…';
  return inner === undefined ? cut : open + cut + close;
}
