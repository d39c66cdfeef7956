import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

/** `scimctl completion bash|zsh|fish`: scripts generated from the command tree. */

// .ci/run installs zsh and fish, so in CI (CI=true) a missing shell fails these tests; on a
// developer's machine without one, its test is skipped and says so.
const has = (shell: string) => Boolean(process.env.CI) || spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe('scimctl completion', () => {
  const temp = useTempDbs();
  const script = async (shell: string) => {
    const result = await scimctl(temp().db, ['completion', shell]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    return result.stdout;
  };

  test.each(['bash', 'zsh', 'fish'])('%s: lists every command, subcommand, alias and flag', async (shell) => {
    const text = await script(shell);
    for (const word of ['env', 'org', 'directory', 'dir', 'token', 'apikey', 'revoke', 'set-primary', 'user', 'group', 'log', 'seed', 'export', 'serve', 'status', 'config', 'completion', 'create', 'rotate', 'ls', 'rm', 'rename']) {
      expect(text).toMatch(new RegExp(`\\b${word}\\b`));
    }
    for (const flag of ['db', 'json', 'fields', 'tunnel', 'rotate-token', 'allow-cidr', 'follow', 'yes', 'include-deleted']) expect(text).toContain(flag);
  });

  test('bash: valid syntax', async () => {
    const file = join(temp().dir, 'scimctl.bash');
    writeFileSync(file, await script('bash'));
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  test('bash: completes subcommands through aliases, flags of the command typed, and skips flag values', async () => {
    const file = join(temp().dir, 'scimctl.bash');
    writeFileSync(file, await script('bash'));
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _scimctl; printf '%s\\n' "\${COMPREPLY[@]}"`, file, 'scimctl', ...words], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    expect(complete('')).toEqual(expect.arrayContaining(['env', 'serve', 'completion']));
    expect(complete('dir', 'r')).toEqual(['rename']); // `dir` is directory's alias
    expect(complete('--db', 'x.db', 'env', 'c')).toEqual(['create']); // x.db is --db's value, not a command
    expect(complete('serve', '--rot')).toEqual(['--rotate-token']);
    expect(complete('serve', '--js')).toEqual(['--json']); // global flags everywhere
    expect(complete('env', 'ls', '--')).not.toContain('--rotate-token');
    expect(complete('serve', '--v')).toEqual([]); // --version is the root's alone
    expect(complete('--v')).toEqual(['--version']);
  });

  test.skipIf(!has('zsh'))('zsh: valid syntax, and completes like bash', async () => {
    const file = join(temp().dir, '_scimctl');
    writeFileSync(file, await script('zsh'));
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    // Outside a completion widget: zsh's helpers stubbed to print what they would offer.
    const stubs = 'compdef() {}; _describe() { print -rl -- ${(P)${@[-1]}} }; _files() { print FILES }';
    const complete = (...typed: string[]) =>
      execFileSync('zsh', ['-f', '-c', `${stubs}; source "$1"; shift; words=(scimctl "$@"); CURRENT=$#words; PREFIX=$words[-1]; _scimctl`, 'zsh', file, ...typed], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split(':')[0]);
    expect(complete('dir', 'r')).toEqual(['create', 'list', 'show', 'rename', 'set-primary', 'delete']); // _describe filters by PREFIX itself
    expect(complete('--db', 'x.db', 'env', '')).toContain('create');
    expect(complete('serve', '--')).toEqual(expect.arrayContaining(['--rotate-token', '--json', '--help']));
    expect(complete('serve', '--db', '')).toEqual(['FILES']);
  });

  test.skipIf(!has('fish'))('fish: valid syntax, and completes like bash', async () => {
    const file = join(temp().dir, 'scimctl.fish');
    writeFileSync(file, await script('fish'));
    expect(spawnSync('fish', ['-n', file]).status).toBe(0);
    // fish's own `complete -C` completes a command line, using the loaded script.
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    expect(complete('scimctl dir r').sort()).toEqual(['rename', 'rm']); // fish offers aliases too
    expect(complete('scimctl --db x.db env c')).toEqual(['create']);
    expect(complete('scimctl serve --rot')).toEqual(['--rotate-token']);
  });

  test('an unknown shell is a usage error; --json wraps the script', async () => {
    expect(await scimctl(temp().db, ['completion', 'tcsh'])).toEqual({ exitCode: 2, stdout: '', stderr: 'error: invalid shell "tcsh": give bash, zsh, fish\nRun with --help for usage\n' });
    const json = await scimctlJson<{ shell: string; script: string }>(temp().db, ['completion', 'fish']);
    expect(json.shell).toBe('fish');
    expect(json.script).toContain('complete -c scimctl');
  });
});
