import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Files share their worker (and its loaded modules) instead of each paying for a fresh process:
    // the CLI tests run scimctl in-process, and src keeps only caches at module level.
    isolate: false,
    // Vitest's default is one worker per core but one; much of the suite waits on child processes,
    // servers and timers rather than the CPU, so a third worker overlaps those waits.
    maxWorkers: 3,
  },
});
