import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-user data folder (XDG Base Directory spec, which Linux and macOS CLIs commonly follow). */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCIMCTL_DB) return env.SCIMCTL_DB;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'scimctl', 'scimctl.db');
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCIMCTL_CONFIG) return env.SCIMCTL_CONFIG;
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'scimctl', 'config.json');
}
