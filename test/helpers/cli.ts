import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';

export const BIN = new URL('../../bin/scimctl.js', import.meta.url).pathname;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A temp folder with a database path; `cleanup()` removes it. */
export function tempDb(): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'scimctl-test-'));
  return { dir, db: join(dir, 'scimctl.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run bin/scimctl exactly as a user would (no TTY), against the given database. */
export async function scimctl(db: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const result: Result = await execa('node', [BIN, '--db', db, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Run with --json and parse stdout; fails the test with stderr if the command failed. */
export async function scimctlJson<T = unknown>(db: string, args: string[]): Promise<T> {
  const result = await scimctl(db, [...args, '--json']);
  if (result.exitCode !== 0) throw new Error(`scimctl ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
