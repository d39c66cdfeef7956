import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { runCli } from '../../src/cli/program.js';
import { memoryIo, testEnv, type EnvOverrides } from './memory-io.js';

/** bin/scimctl.js as users run it; SCIMCTL_E2E_BIN points the suite at another build of the same shim. */
export const BIN = process.env.SCIMCTL_E2E_BIN || new URL('../../bin/scimctl.js', import.meta.url).pathname;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Environment for a run; `undefined` removes a variable the test runner has set. */
export type ChildEnv = EnvOverrides;

export interface RunOptions {
  env?: ChildEnv;
  input?: string;
}

export interface SpawnOptions extends RunOptions {
  cwd?: string;
}

/** A temp folder with a database path; `cleanup()` removes it. */
export function tempDb(): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'scimctl-test-'));
  return { dir, db: join(dir, 'scimctl.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** For a describe block: a factory of temp databases, all removed after the block. */
export function useTempDbs(): () => ReturnType<typeof tempDb> {
  const temps: ReturnType<typeof tempDb>[] = [];
  afterAll(() => temps.forEach((t) => t.cleanup()));
  return () => {
    const t = tempDb();
    temps.push(t);
    return t;
  };
}

/** Run scimctl in this process (no TTY), against the given database: the same code, output and exit code as bin/scimctl. */
export async function scimctl(db: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return scimctlRaw(['--db', db, ...args], options);
}

/** Run scimctl in this process with no `--db`, for tests of how it finds its database. */
export async function scimctlRaw(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const run = memoryIo(options);
  const exitCode = await runCli(args, run.io);
  return { exitCode, stdout: run.stdout(), stderr: run.stderr() };
}

/** Run with --json and parse stdout; fails the test with stderr if the command failed. */
export async function scimctlJson<T = unknown>(db: string, args: string[]): Promise<T> {
  const result = await scimctl(db, [...args, '--json']);
  if (result.exitCode !== 0) throw new Error(`scimctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Run bin/scimctl exactly as a user would (a real process, no TTY), against the given database. */
export async function spawnScimctl(db: string, args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return spawnScimctlRaw(['--db', db, ...args], options);
}

/** Run bin/scimctl as a real process with no `--db`. */
export async function spawnScimctlRaw(args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  const result: Result = await execa('node', [BIN, ...args], {
    reject: false,
    // A hung scimctl must fail its test, not outlive it.
    timeout: 15_000,
    // Tests assert output exactly, final newline included.
    stripFinalNewline: false,
    env: testEnv(options.env),
    extendEnv: false,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
