import type { CliIo } from './io.js';
import { runCli } from './program.js';

/**
 * A reader that goes away early (`scimctl org list --json | head -1`) is not our error: without a
 * listener, Node turns EPIPE into an uncaught exception with a stack trace.
 */
function ignoreBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

const io: CliIo = {
  // A getter: most commands never read stdin, and Node makes the stream on first access.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onStop(listener) {
    const handler = () => {
      stop();
      listener();
    };
    // After the first signal the handlers are gone, so a second Ctrl-C ends the process at once.
    const stop = () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return stop;
  },
  exitWhenIdle() {
    // Unref'd: it fires only if something (a pending native call) keeps the process alive, and
    // exits with the code already set.
    setTimeout(() => process.exit(), 1000).unref();
  },
};

process.stdout.on('error', ignoreBrokenPipe);
process.exitCode = await runCli(process.argv.slice(2), io);
