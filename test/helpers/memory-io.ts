import { Readable, Writable } from 'node:stream';
import type { CliIo, CliInput, CliOutput } from '../../src/cli/io.js';

/** Environment overrides for a run; `undefined` removes a variable the test runner has set. */
export type EnvOverrides = Record<string, string | undefined>;

/** The test runner's environment with the overrides applied, as a child process would get it. */
export function testEnv(overrides: EnvOverrides = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...overrides };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as Record<string, string>;
}

/** A non-TTY output that keeps every byte written, in order. */
class Capture extends Writable implements CliOutput {
  readonly isTTY = false;
  text = '';
  constructor() {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

export interface MemoryIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  /** Ask the run to stop, as Ctrl-C or SIGTERM would. */
  stop: () => void;
}

/**
 * In-memory stdin/stdout/stderr (none a TTY, like the pipes of a spawned child): stdin holds
 * `input`, or nothing, as with stdin from /dev/null.
 */
export function memoryIo(options: { env?: EnvOverrides; input?: string } = {}): MemoryIo {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin: CliInput = Readable.from(options.input !== undefined && options.input !== '' ? [Buffer.from(options.input)] : []);
  const listeners = new Set<() => void>();
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: testEnv(options.env),
    onStop(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const stop = () => {
    const pending = [...listeners];
    listeners.clear();
    pending.forEach((listener) => listener());
  };
  return { io, stdout: () => stdout.text, stderr: () => stderr.text, stop };
}
