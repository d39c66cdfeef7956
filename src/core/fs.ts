import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Not `mkdirSync(…, { recursive: true })`: Node 20's walk spins at
 * 100% CPU forever when mkdir says ENOENT although the parent exists (any path under /proc does).
 */
export function makeFolders(folder: string, mode?: number): void {
  const parent = dirname(folder);
  if (parent !== folder && !existsSync(parent)) makeFolders(parent, mode);
  try {
    mkdirSync(folder, mode === undefined ? undefined : { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
