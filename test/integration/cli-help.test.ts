import type { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { scimctlRaw } from '../helpers/cli.js';
import { memoryIo } from '../helpers/memory-io.js';

/** Every runnable command, as the words a user types: ['env', 'create'], ['seed'], … */
function leaves(command: Command, path: string[] = []): string[][] {
  const subcommands = command.commands.filter((c) => c.name() !== 'help');
  if (subcommands.length === 0) return [path];
  return subcommands.flatMap((c) => leaves(c, [...path, c.name()]));
}

const commands = leaves(buildProgram(memoryIo().io));

describe('--help of every command', () => {
  test('there are commands to check', () => expect(commands.length).toBeGreaterThan(25));

  test.each(commands.map((c) => [c.join(' '), c]))('%s --help lists the global flags and an example', async (_name, path) => {
    const help = await scimctlRaw([...path, '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Global Options:');
    for (const flag of ['--db <path>', '--json', '--debug']) expect(help.stdout).toContain(flag);
    expect(help.stdout).toMatch(/\nExample:\n {2}(\S.* )?scimctl \S/);
  });
});

describe('aliases', () => {
  test('ls lists and rm deletes, for every noun', async () => {
    for (const noun of ['env', 'org', 'directory']) {
      expect((await scimctlRaw([noun, 'ls', '--help'])).stdout).toContain(`Usage: scimctl ${noun} list|ls`);
      expect((await scimctlRaw([noun, 'rm', '--help'])).stdout).toContain(`Usage: scimctl ${noun} delete|rm`);
    }
    for (const noun of ['user', 'group', 'log', 'config']) expect((await scimctlRaw([noun, 'ls', '--help'])).stdout).toContain(`Usage: scimctl ${noun} list|ls`);
  });
});
