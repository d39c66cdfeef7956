import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** What os.homedir() answers on POSIX, but from the given environment rather than the process's. */
function home(env: Env): string {
  return (process.platform !== 'win32' && env.HOME) || homedir();
}

/** An XDG base folder from the environment; the spec says to ignore relative ones. */
function xdgHome(env: Env, value: string | undefined, fallback: string[]): string {
  return value && isAbsolute(value) ? value : join(home(env), ...fallback);
}

/** Per-user data folder (XDG Base Directory spec, which Linux and macOS CLIs commonly follow). */
export function defaultDatabasePath(env: Env): string {
  if (env.SCIMCTL_DB) return env.SCIMCTL_DB;
  return join(xdgHome(env, env.XDG_DATA_HOME, ['.local', 'share']), 'scimctl', 'scimctl.db');
}

export function configFilePath(env: Env): string {
  if (env.SCIMCTL_CONFIG) return env.SCIMCTL_CONFIG;
  return join(xdgHome(env, env.XDG_CONFIG_HOME, ['.config']), 'scimctl', 'config.json');
}
