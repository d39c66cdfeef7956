import { execa } from 'execa';
import { describe, expect, test } from 'vitest';

const SCRIPT = new URL('../../fixtures/generate-large.mjs', import.meta.url).pathname;
const run = async (...args: string[]) => {
  const r = await execa('node', [SCRIPT, ...args], { reject: false, stripFinalNewline: false });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

describe('node fixtures/generate-large.mjs', () => {
  test('--help prints the usage, exit 0', async () => {
    const help = await run('--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: node fixtures\/generate-large\.mjs \[--users N\]/);
    expect(help.stderr).toBe('');
  });

  test.each([
    [['--users', 'x'], 'error: invalid --users "x": give a whole number (run with --help for usage)\n'],
    [['--bogus', '1'], 'error: unknown option "--bogus" (run with --help for usage)\n'],
    [['--users'], 'error: --users needs a value (run with --help for usage)\n'],
    [['--groups', '2'], 'error: --groups must be at least 3 (run with --help for usage)\n'],
  ])('bad arguments %j: one line, exit 2, no stack trace', async (args, line) => {
    expect(await run(...args)).toEqual({ exitCode: 2, stdout: '', stderr: line });
  });

  test('good arguments still write the fixture', async () => {
    const out = await run('--users', '5', '--groups', '3');
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout).version).toBe(1);
  });
});
