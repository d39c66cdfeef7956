import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** An XDG base folder from the environment; the spec says to ignore relative ones. */
function xdgHome(value: string | undefined, fallback: string[]): string {
  return value && isAbsolute(value) ? value : join(homedir(), ...fallback);
}

/** Per-user data folder (XDG Base Directory spec, which Linux and macOS CLIs commonly follow). */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCIMCTL_DB) return env.SCIMCTL_DB;
  return join(xdgHome(env.XDG_DATA_HOME, ['.local', 'share']), 'scimctl', 'scimctl.db');
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCIMCTL_CONFIG) return env.SCIMCTL_CONFIG;
  return join(xdgHome(env.XDG_CONFIG_HOME, ['.config']), 'scimctl', 'config.json');
}
