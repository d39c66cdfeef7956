import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { BIN, type ChildEnv } from './cli.js';

/**
 * Runs bin/scimctl inside a pseudo-terminal made by util-linux `script`, so stdin and stdout are
 * TTYs and scimctl prompts. Keystrokes go in through script's stdin; everything the terminal shows
 * comes back on its stdout (stdout and stderr mixed, as on a screen).
 */
export interface PtySession {
  /** Resolves once the screen (ANSI codes stripped) shows `text`; rejects after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Send raw keys, e.g. `'acme\r'` (Enter is `\r` on a terminal). */
  type(keys: string): void;
  /** Wait for the process to end; the exit code is scimctl's own (`script -e`). */
  exit(timeoutMs?: number): Promise<{ exitCode: number; screen: string }>;
  /** Everything shown so far, ANSI codes stripped. */
  screen(): string;
  /** Everything shown so far, raw. */
  raw(): string;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export function scimctlPty(db: string, args: string[], env: ChildEnv = {}): PtySession {
  // `exec`: script runs the command through $SHELL, and a shell left waiting in the terminal's
  // process group gets Ctrl-C too (dash then exits 130 whatever scimctl returned).
  const command = `exec ${['node', BIN, '--db', db, ...args].map(quote).join(' ')}`;
  const child = execa('script', ['-qfec', command, '/dev/null'], {
    reject: false,
    stdin: 'pipe',
    buffer: false,
    env: { TERM: 'xterm', ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const screen = () => stripVTControlCharacters(output).replaceAll('\r', '');
  const shows = (text: string | RegExp) => (typeof text === 'string' ? screen().includes(text) : text.test(screen()));

  return {
    screen,
    raw: () => output,
    waitFor(text, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!shows(text)) return;
          done();
          // The prompt is drawn just before it listens for keys; give it a moment.
          setTimeout(resolve, 50);
        };
        const timer = setTimeout(() => {
          done();
          child.kill(); // a prompt that never came must not leave scimctl waiting for keys
          reject(new Error(`timed out waiting for ${String(text)}; the screen shows:\n${screen()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    type(keys) {
      child.stdin!.write(keys);
    },
    async exit(timeoutMs = 10_000) {
      const timer = setTimeout(() => child.kill(), timeoutMs);
      const result = await child;
      clearTimeout(timer);
      child.stdin!.destroy();
      return { exitCode: result.exitCode ?? -1, screen: screen() };
    },
  };
}
