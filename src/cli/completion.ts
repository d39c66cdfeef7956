import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { action } from './action.js';
import { completionTree } from './completion-tree.js';
import { bashScript, fishScript, SHELLS, zshScript, type Shell } from './completion-scripts.js';
import { USAGE_HINT } from './options.js';

const SCRIPTS: Record<Shell, typeof bashScript> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .argument('<shell>', SHELLS.join(' | '))
    .description('print a shell completion script (commands, subcommands, aliases and flags)')
    .action(
      action(async (ctx, shell: string) => {
        if (!(SHELLS as string[]).includes(shell)) throw usageError(`invalid shell "${shell}": give ${SHELLS.join(', ')}`, USAGE_HINT);
        // Read now, when every command (and alias) is registered.
        const script = SCRIPTS[shell as Shell](completionTree(program));
        // The script as is: the human path of ctx.result would rewrite `scimctl …` for --db.
        if (ctx.json) ctx.result({ shell, script }, () => '');
        else ctx.io.stdout.write(script);
      }),
    );
}
