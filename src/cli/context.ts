import { existsSync } from 'node:fs';
import { Chalk, type ChalkInstance } from 'chalk';
import { usageError, CliError } from '../core/errors.js';
import { openStore, type Store } from '../store/index.js';
import { noColor, type CliIo } from './io.js';
import { defaultDatabasePath } from './paths.js';
import { USAGE_HINT } from './options.js';
import { parseFields, selectFields } from './fields.js';
import { renderTable } from './table.js';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  debug?: boolean;
  fields?: string;
}

export interface CommandTraits {
  /** Only commands that make things (env create, seed, serve) create a missing database. */
  createsDatabase?: boolean;
}

export interface Choice {
  name: string;
  value: string;
  description?: string;
}

/**
 * Owns the process edges of one command: which database, TTY or not, prompts, and where output
 * goes (data to stdout, notices to stderr, exactly one JSON document with --json).
 */
export class Context {
  readonly json: boolean;
  readonly debug: boolean;
  /** --fields: the top-level fields --json keeps, or all. */
  private readonly fields: string[] | undefined;
  readonly dbPath: string;
  readonly interactive: boolean;
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;
  /** The --db the user gave, repeated in every `scimctl …` command we suggest. */
  private readonly dbFlag: string | undefined;
  private openedStore: Store | undefined;
  /** A command that reports its own failures (scimctl test) sets 1 here instead of throwing. */
  exitCode = 0;

  constructor(
    options: GlobalOptions,
    readonly io: CliIo,
    private readonly traits: CommandTraits = {},
  ) {
    this.json = options.json ?? false;
    this.debug = options.debug ?? false;
    // A malformed --fields, or one without --json, fails before the command does anything.
    this.fields = options.fields === undefined ? undefined : parseFields(options.fields);
    if (this.fields && !this.json) throw usageError('--fields needs --json', USAGE_HINT);
    this.dbPath = options.db ?? defaultDatabasePath(io.env);
    this.dbFlag = options.db;
    this.interactive = Boolean(io.stdin.isTTY && io.stdout.isTTY);
    const plain = noColor(io.env);
    this.color = new Chalk({ level: !plain && io.stdout.isTTY ? 1 : 0 });
    this.errColor = new Chalk({ level: !plain && io.stderr.isTTY ? 1 : 0 });
  }

  /** Where prompts read keys and draw: this run's terminal, not necessarily the process's. */
  get promptStreams(): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
    return { input: this.io.stdin, output: this.io.stdout };
  }

  get store(): Store {
    if (!this.openedStore) {
      // A mistyped --db must not turn into a new empty database that "has no environments".
      if (!this.traits.createsDatabase && this.dbPath !== ':memory:' && !existsSync(this.dbPath)) {
        throw new CliError('not-found', `no scimctl database at ${this.dbPath}`, 'Check --db (or SCIMCTL_DB); `scimctl env create <name>`, `scimctl seed` and `scimctl serve` create one');
      }
      this.openedStore = openStore(this.dbPath);
      // Like the config file's warning: the database holds what IdPs provisioned. Once per command.
      if (this.openedStore.readableByOthers) this.notice(`warning: ${this.dbPath} is readable by other users; run \`chmod 600 ${this.dbPath}\``);
    }
    return this.openedStore;
  }

  /** Print the command's result: JSON for scripts, or the human rendering. */
  result(data: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(JSON.stringify(this.keepFields(data), null, 2) + '\n');
    else {
      const text = human();
      if (text) this.io.stdout.write(this.withDb(text) + '\n');
    }
  }

  /** JSON data as --fields asks for it: only those fields of the object, or of each element of a list. */
  keepFields(data: unknown): unknown {
    return this.fields ? selectFields(data, this.fields) : data;
  }

  /** The terminal's width when stdout is one; undefined when piped (tables are then never cut). */
  get terminalWidth(): number | undefined {
    return (this.io.stdout.isTTY && this.io.stdout.columns) || undefined;
  }

  /** A table for stdout: cut to the terminal's width on a terminal (never the first column nor `keep`), whole when piped. */
  table(headers: string[], rows: string[][], keep: number[] = []): string {
    return renderTable(headers, rows, { maxWidth: this.terminalWidth, keep });
  }

  /** A list: its rows on stdout, or (when there are none) what to do about it on stderr. */
  list<T>(items: T[], empty: string, render: (items: T[]) => string): void {
    if (!this.json && items.length === 0) this.notice(this.errColor.dim(empty));
    else this.result(items, () => render(items));
  }

  /** Success notices and hints: stderr, so stdout stays clean data. */
  notice(message: string): void {
    this.io.stderr.write(this.withDb(message) + '\n');
  }

  /** A server's unexpected error while the command runs it (serve, trigger): one notice line, the stack with --debug. Bound, to hand over as a callback. */
  readonly internalError = (error: unknown): void => {
    this.notice(`internal error: ${error instanceof Error ? (this.debug ? error.stack : error.message) : String(error)}`);
  };

  /**
   * A suggested command works on the database this one used: with --db given, every `scimctl …` in
   * backticks gets that --db (with SCIMCTL_DB or the default, the suggestion finds it by itself).
   */
  withDb(text: string): string {
    if (this.dbFlag === undefined) return text;
    const flag = `\`scimctl --db ${shellQuote(this.dbFlag)} `;
    // `scimctl config …` reads no database.
    return text.replace(/`scimctl (?!--db |config )/g, () => flag);
  }

  /** A value from a flag; else a prompt on a TTY; else a usage error naming the flag. */
  async need<T>(value: T | undefined, flag: string, ask: () => Promise<T>): Promise<T> {
    if (value !== undefined) return value;
    if (!this.interactive || this.json) throw usageError(`missing required ${flag}`, USAGE_HINT);
    return ask();
  }

  async input(message: string, validate?: (value: string) => true | string): Promise<string> {
    const { input } = await import('@inquirer/prompts');
    return this.prompting(() => input({ message, required: true, ...(validate ? { validate } : {}) }, this.promptStreams));
  }

  /** A secret typed at a masked prompt; Ctrl-C cancels like every other prompt. */
  async password(message: string, validate: (value: string) => true | string): Promise<string> {
    const { password } = await import('@inquirer/prompts');
    return this.prompting(() => password({ message, mask: '*', validate }, this.promptStreams));
  }

  async select(message: string, choices: Choice[], empty: string): Promise<string> {
    if (choices.length === 0) throw new CliError('not-found', empty);
    const { select } = await import('@inquirer/prompts');
    return this.prompting(() => select({ message, choices }, this.promptStreams));
  }

  /** Destructive actions need --yes, or a yes at a TTY prompt. */
  async confirm(message: string, yes: boolean | undefined): Promise<void> {
    if (yes) return;
    if (!this.interactive || this.json) throw usageError(`${message} needs confirmation`, 'Pass --yes to confirm');
    const { confirm } = await import('@inquirer/prompts');
    const ok = await this.prompting(() => confirm({ message: `${message}?`, default: false }, this.promptStreams));
    if (!ok) throw new CliError('cancelled', 'cancelled; nothing was changed');
  }

  private async prompting<T>(prompt: () => Promise<T>): Promise<T> {
    try {
      return await prompt();
    } catch (error) {
      if (error instanceof Error && error.name === 'ExitPromptError') throw new CliError('cancelled', 'cancelled; nothing was changed');
      throw error;
    }
  }

  close(): void {
    this.openedStore?.close();
  }
}

/** A path as a POSIX shell reads it back: bare when it is safe, else in single quotes. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
