import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { BIN } from './cli.js';

export interface ReadyLine {
  url: string;
  inspectorUrl?: string | null;
  publicUrl: string | null;
  directories: { id: string; baseUrl: string; token?: string; name: string | null }[];
}

export interface RunningServe {
  process: ResultPromise;
  ready: ReadyLine;
  stop: () => Promise<{ exitCode: number | undefined; stderr: string }>;
}

/** Spawn `scimctl serve --port 0 --json` exactly as CI scripts do, and wait for its ready line. */
export async function spawnServe(db: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServe> {
  const child = execa('node', [BIN, '--db', db, 'serve', '--port', '0', '--json', ...args], { reject: false, env: { NO_COLOR: '1', ...env }, stdin: 'ignore' });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not print a ready line within 15 s')), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as ReadyLine);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready`));
    });
  });
  return {
    process: child,
    ready,
    stop: async () => {
      child.kill('SIGTERM');
      const result = await child;
      return { exitCode: result.exitCode, stderr: String(result.stderr) };
    },
  };
}
