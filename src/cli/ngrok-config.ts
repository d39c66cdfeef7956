import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where the ngrok agent keeps its config, in the order it looks: its own folder for the platform
 * (v3), then ~/.ngrok2 (v2, still read by v3). HOME and XDG come from the run's environment so a
 * test (or a user) can point them elsewhere.
 */
export function ngrokConfigPaths(env: Env, platform: NodeJS.Platform = process.platform): string[] {
  const home = (platform !== 'win32' && env.HOME) || homedir();
  const own =
    platform === 'darwin'
      ? join(home, 'Library', 'Application Support', 'ngrok', 'ngrok.yml')
      : platform === 'win32'
        ? join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'ngrok', 'ngrok.yml')
        : join(env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config'), 'ngrok', 'ngrok.yml');
  return [own, join(home, '.ngrok2', 'ngrok.yml')];
}

/** The authtoken in the first ngrok config file that has one, and that file. */
export function ngrokAuthtoken(env: Env, platform: NodeJS.Platform = process.platform): { token: string; path: string } | undefined {
  for (const path of ngrokConfigPaths(env, platform)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // missing or unreadable: ngrok's config is optional here, the next place may have one
    }
    const token = authtokenIn(text);
    if (token) return { token, path };
  }
  return undefined;
}

/**
 * The authtoken of an ngrok.yml: `agent: authtoken:` (v3) or a top-level `authtoken:` (v2). Only
 * these two keys are read, so a line-based reading of block YAML is enough and no YAML library
 * is needed; flow style (`agent: {authtoken: …}`) and multi-line scalars are not used by ngrok's
 * own `ngrok config add-authtoken` and are not read.
 */
export function authtokenIn(text: string): string | undefined {
  let v2: string | undefined;
  let v3: string | undefined;
  let inAgent = false;
  let childIndent: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const match = /^\s*(["']?)([\w-]+)\1\s*:(?:\s+(.*))?$/.exec(line);
    if (indent === 0) {
      inAgent = match?.[2] === 'agent' && !match[3];
      childIndent = undefined;
      if (match?.[2] === 'authtoken') v2 = scalar(match[3]);
    } else if (inAgent) {
      childIndent ??= indent;
      if (indent === childIndent && match?.[2] === 'authtoken') v3 = scalar(match[3]);
    }
  }
  return v3 || v2;
}

/** A plain or quoted YAML scalar; empty (or `null`, `~`) is no token. */
function scalar(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  const quoted = /^(["'])(.*)\1$/.exec(v);
  const text = quoted ? quoted[2]! : v;
  return text === '' || (!quoted && (text === 'null' || text === '~')) ? undefined : text;
}
