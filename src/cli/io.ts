/** A stream scimctl reads; `isTTY` decides whether it may prompt. */
export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

/** A stream scimctl writes; `isTTY` decides colour, `columns` the width of help and progress bars. */
export interface CliOutput extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  hasColors?(): boolean;
}

/**
 * Everything a run of the CLI takes from its surroundings. The process entry passes the real
 * process; tests pass in-memory streams, so a command runs in-process with no hidden inputs.
 */
export interface CliIo {
  stdin: CliInput;
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Calls `listener` once, on the first request to stop (Ctrl-C or SIGTERM for a process); a second
   * one is not ours to handle. Returns a function that stops listening.
   */
  onStop(listener: () => void): () => void;
  /**
   * Called when a command may leave a native call pending that nothing can cancel (an interrupted
   * ngrok connect): the process entry ends the process shortly after, if it is still alive.
   */
  exitWhenIdle?(): void;
}

/** All of a stream, as text: a fixture or a secret piped in. */
export async function readAll(stream: CliInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** NO_COLOR set to anything but the empty string turns colour off (https://no-color.org). */
export function noColor(env: CliIo['env']): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}
