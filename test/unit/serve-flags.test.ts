import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/core/errors.js';
import { parseServeFlags, parseSize } from '../../src/cli/serve-flags.js';

const base = { port: '0', host: '127.0.0.1' };

describe('serve flags for the request log budget and the connection cap', () => {
  it('default to 100,000 rows, 256 MB and 1,000 connections', () => {
    const flags = parseServeFlags(base);
    expect([flags.logBudget, flags.maxConnections]).toEqual([{ maxRows: 100_000, maxBytes: 256 * 1024 * 1024 }, 1000]);
  });

  it('take their values', () => {
    const flags = parseServeFlags({ ...base, logMaxRows: '5000', logMaxSize: '1GB', maxConnections: '50' });
    expect([flags.logBudget, flags.maxConnections]).toEqual([{ maxRows: 5000, maxBytes: 1024 ** 3 }, 50]);
  });

  it.each([
    ['256MB', 256 * 1024 ** 2],
    ['1.5gb', 1.5 * 1024 ** 3],
    ['2048 kB', 2 * 1024 ** 2],
    ['1048576', 1024 ** 2],
  ])('size %s is %i bytes', (text, bytes) => {
    expect(parseSize('--log-max-size', text)).toBe(bytes);
  });

  it.each([
    [{ logMaxRows: '10' }, 'invalid --log-max-rows "10": give a whole number from 100 to 100,000,000'],
    [{ logMaxRows: '1e6' }, 'invalid --log-max-rows "1e6": give a whole number from 100 to 100,000,000'],
    [{ logMaxSize: '12 parsecs' }, 'invalid --log-max-size "12 parsecs": give a size from 1MB to 1024GB, such as 256MB'],
    [{ logMaxSize: '1KB' }, 'invalid --log-max-size "1KB": give a size from 1MB to 1024GB, such as 256MB'],
    [{ maxConnections: '0' }, 'invalid --max-connections "0": give a whole number from 10 to 100,000'],
  ])('%o is a usage error', (flags, message) => {
    const error = (() => {
      try {
        parseServeFlags({ ...base, ...flags });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect([(error as CliError).kind, (error as CliError).message]).toEqual(['usage', message]);
  });
});
