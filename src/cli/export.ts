import { writeFileSync } from 'node:fs';
import { count } from './text.js';
import type { Command } from 'commander';
import { invalidError } from '../core/errors.js';
import { action } from './action.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .argument('<ref>', 'environment (name or id), organization (external id or id) or directory (id)')
    .option('-o, --out <file>', 'write the fixture to this file instead of standard output')
    .description('write an environment, organization or directory as a seed fixture (users, groups, memberships; never tokens)')
    .action(
      action(async (ctx, ref: string, opts: { out?: string }) => {
        const { exportFixture } = await import('../fixtures/export.js');
        const { fixture, counts } = exportFixture(ctx.store, ref);
        const text = JSON.stringify(fixture, null, 2) + '\n';
        const described = [
          count(counts.organizations, 'organization', 'organizations'),
          count(counts.directories, 'directory', 'directories'),
          count(counts.users, 'user', 'users'),
          count(counts.groups, 'group', 'groups'),
        ].join(', ');
        if (opts.out === undefined) {
          // The fixture is the data: stdout carries it, with or without --json.
          ctx.io.stdout.write(text);
          if (!ctx.json) ctx.notice(`Exported ${described}`);
          return;
        }
        try {
          writeFileSync(opts.out, text);
        } catch (error) {
          throw invalidError(`cannot write ${opts.out}: ${(error as Error).message}`);
        }
        ctx.result({ out: opts.out, ...counts }, () => '');
        if (!ctx.json) ctx.notice(`Exported ${described} to ${opts.out}`);
      }),
    );
}
