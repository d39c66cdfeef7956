import { describe, expect, it } from 'vitest';
import { PROGRESS_THRESHOLD, progressReporter } from '../../src/fixtures/progress.js';

const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, isTTY, columns: 80, write: (text: string) => writes.push(text) };
};

describe('progressReporter', () => {
  it('stays silent below the threshold', () => {
    const s = stream(true);
    const { progress, done } = progressReporter(s, PROGRESS_THRESHOLD - 1, { plain: true });
    expect(progress).toBeUndefined();
    done();
    expect(s.writes).toEqual([]);
  });

  it('redraws one bar on a TTY and clears it when done', () => {
    const s = stream(true);
    const { progress, done } = progressReporter(s, 10_000, { plain: true });
    progress!('writing', 5000, 10_000);
    progress!('writing', 10_000, 10_000);
    done();
    expect(s.writes[0]).toBe(`\rwriting    [${'#'.repeat(20)}${'-'.repeat(20)}]  50% 5000/10000\x1b[K`);
    expect(s.writes[1]).toContain('100% 10000/10000');
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
    expect(s.writes.join('')).not.toContain('\n');
  });

  it('prints a plain line per quarter without a TTY, and nothing when asked not to', () => {
    const s = stream(false);
    const { progress } = progressReporter(s, 10_000, { plain: true });
    for (let done = 1000; done <= 10_000; done += 1000) progress!('validating', done, 10_000);
    expect(s.writes).toEqual([
      'validating 3000/10000 records (30%)\n',
      'validating 5000/10000 records (50%)\n',
      'validating 8000/10000 records (80%)\n',
      'validating 10000/10000 records (100%)\n',
    ]);
    expect(progressReporter(stream(false), 10_000, { plain: false }).progress).toBeUndefined();
  });
});
