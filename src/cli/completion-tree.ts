import { Help, type Command } from 'commander';

/** A flag as the shells complete it. */
export interface CompletionFlag {
  long: string | undefined;
  short: string | undefined;
  /** Takes a value (`--db <path>`): the next word is that value, not a command. */
  takesValue: boolean;
  description: string;
}

/** One command of the tree: `path` is its name under the root with its parents' (`env create`; '' for the root). */
export interface CompletionNode {
  path: string;
  name: string;
  aliases: string[];
  description: string;
  flags: CompletionFlag[];
  children: CompletionNode[];
}

/**
 * The command tree as commander has it (what --help shows: hidden commands and options left out),
 * read when the script is printed, so completion never falls behind the CLI. The root's flags
 * (--db, --json, …) apply under every command, as commander parses them anywhere.
 */
export function completionTree(root: Command): CompletionNode {
  const help = new Help();
  const flagsOf = (cmd: Command): CompletionFlag[] =>
    help.visibleOptions(cmd).map((o) => ({ long: o.long, short: o.short, takesValue: o.required || o.optional, description: o.description }));
  // --version is the root's alone; --help each command lists as its own.
  const globals = flagsOf(root).filter((f) => f.long !== '--version' && f.long !== '--help');
  const node = (cmd: Command, parentPath: string | undefined): CompletionNode => {
    const path = parentPath === undefined ? '' : `${parentPath ? parentPath + ' ' : ''}${cmd.name()}`;
    const own = flagsOf(cmd);
    const flags = [...own, ...globals.filter((g) => !own.some((f) => f.long === g.long))];
    // commander's implicit `help` command is left out: `--help` is offered everywhere instead.
    const children = help.visibleCommands(cmd).filter((c) => c.name() !== 'help' || c.commands.length > 0);
    return { path, name: cmd.name(), aliases: cmd.aliases(), description: cmd.description(), flags, children: children.map((c) => node(c, path)) };
  };
  return node(root, undefined);
}

/** Every node, the root first. */
export function allNodes(root: CompletionNode): CompletionNode[] {
  return [root, ...root.children.flatMap(allNodes)];
}

/** Every flag spelling that takes a value, anywhere in the tree (its next word is skipped). */
export function valueFlags(root: CompletionNode): string[] {
  const names = allNodes(root).flatMap((n) => n.flags.filter((f) => f.takesValue).flatMap((f) => [f.long, f.short]));
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}

/** [parent path, word, child path] for every name and alias: how a typed word moves down the tree. */
export function transitions(root: CompletionNode): [string, string, string][] {
  return allNodes(root).flatMap((n) => n.children.flatMap((c) => [c.name, ...c.aliases].map((word): [string, string, string] => [n.path, word, c.path])));
}

/** The spellings of a node's flags, long first. */
export const flagWords = (n: CompletionNode): string[] => n.flags.flatMap((f) => [f.long, f.short]).filter((w): w is string => w !== undefined);

/** A string in POSIX single quotes (also valid in zsh and fish for what we quote). */
export const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
