import { makeFolders } from '../core/fs.js';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { CliError, usageError } from '../core/errors.js';
import { action, programOf } from './action.js';
import type { Context } from './context.js';
import { readAll, type CliIo } from './io.js';
import { configFilePath } from './paths.js';
import { ngrokAuthtoken } from './ngrok-config.js';

/** Settings a user may store. Secrets are never printed back, only masked. */
const KEYS = {
  'ngrok-authtoken': { secret: true, env: 'NGROK_AUTHTOKEN', description: 'ngrok authtoken for `scimctl serve --tunnel`' },
} as const satisfies Record<string, { secret: boolean; env?: string; description: string }>;

type Key = keyof typeof KEYS;
type ConfigFile = Partial<Record<Key, string>>;

function checkKey(key: string): Key {
  if (key in KEYS) return key as Key;
  throw usageError(`unknown config key "${key}"`, `Known keys: ${Object.keys(KEYS).join(', ')}`);
}

/** The stored settings; a missing file is an empty config. Never echoes file contents in errors. */
export function readConfig(path: string, warn?: (message: string) => void): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('runtime', `cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // Like ssh with its keys: a secret others can read deserves a warning (POSIX modes only).
  if (warn && process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    warn(`warning: ${path} is readable by other users; run \`chmod 600 ${path}\``);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as ConfigFile;
  } catch {
    // fall through
  }
  throw new CliError('invalid', `the config file ${path} is not a JSON object`, 'Fix it, or delete it and set the values again');
}

/** Write atomically, readable only by the user: folder 0700, file 0600 from the first byte. */
function writeConfig(config: ConfigFile, path: string): void {
  makeFolders(dirname(path), 0o700);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/**
 * The ngrok authtoken to use: NGROK_AUTHTOKEN wins over the stored one (like most 12-factor tools);
 * with neither, the one the ngrok agent itself uses (`ngrok config add-authtoken`), so a user of
 * ngrok has nothing to set up. `source` says where it came from, never the token.
 */
export function resolveAuthtoken(env: CliIo['env'], warn?: (message: string) => void, platform?: NodeJS.Platform): { token: string; source: string } | undefined {
  const fromEnv = env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'NGROK_AUTHTOKEN' };
  const stored = readConfig(configFilePath(env), warn)['ngrok-authtoken']?.trim();
  if (stored) return { token: stored, source: `the config file ${configFilePath(env)}` };
  const agent = ngrokAuthtoken(env, platform);
  return agent ? { token: agent.token, source: `ngrok's config file ${agent.path}` } : undefined;
}

/** Enough to tell two tokens apart, never enough to use one. */
export function mask(value: string): string {
  return value.length >= 16 ? `********${value.slice(-4)}` : '********';
}

function effective(key: Key, config: ConfigFile, env: CliIo['env']): { value: string | null; source: 'env' | 'config' | 'ngrok' | null; path?: string } {
  const spec: { secret: boolean; env?: string } = KEYS[key];
  const fromEnv = spec.env ? env[spec.env]?.trim() : undefined;
  const stored = fromEnv || config[key]?.trim() || null;
  // What serve --tunnel falls back on, so `config get` does not say "not set" while serve finds a token.
  const agent = !stored && key === 'ngrok-authtoken' ? ngrokAuthtoken(env) : undefined;
  const raw = stored ?? agent?.token ?? null;
  const value = raw && spec.secret ? mask(raw) : raw;
  return { value, source: fromEnv ? 'env' : stored ? 'config' : agent ? 'ngrok' : null, ...(agent ? { path: agent.path } : {}) };
}

const ONE_WORD = 'give one word without spaces';
const isOneWord = (value: string) => value !== '' && !/\s/.test(value);

async function readValue(ctx: Context, key: Key): Promise<string> {
  if (ctx.interactive && !ctx.json) {
    // An empty or spaced answer asks again, rather than failing after the prompt said ✔.
    return ctx.password(`${key}:`, (value) => isOneWord(value.trim()) || ONE_WORD);
  }
  // Piped, so the secret stays out of shell history and `ps`: `echo "$TOKEN" | scimctl config set …`.
  const piped = await readAll(ctx.io.stdin);
  if (!piped.trim()) {
    throw usageError(`no value for ${key}: nothing was given on stdin`, `Pass it as an argument, pipe it (\`echo "$TOKEN" | scimctl config set ${key}\`), or run this in a terminal to type it`);
  }
  return piped;
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description(`manage scimctl settings (stored in ${configFilePath(programOf(program).io.env)}, readable only by you)`);
  for (const register of [registerSet, registerGet, registerUnset, registerList]) register(config);
}

function registerSet(config: Command): void {
  config
    .command('set')
    .argument('<key>', Object.keys(KEYS).join(' | '))
    .argument('[value]', 'the value; omit it to type it at a prompt or pipe it on stdin')
    .description('store a setting')
    .action(
      action(async (ctx, rawKey: string, given: string | undefined) => {
        const key = checkKey(rawKey);
        const value = (given ?? (await readValue(ctx, key))).trim();
        if (!isOneWord(value)) throw usageError(`invalid value for ${key}: ${ONE_WORD}`);
        const path = configFilePath(ctx.io.env);
        writeConfig({ ...readConfig(path), [key]: value }, path);
        ctx.result({ key, set: true, path }, () => '');
        if (!ctx.json) ctx.notice(ctx.errColor.green(`Saved ${key} to ${path} (readable only by you)`));
        const envName: string | undefined = (KEYS[key] as { env?: string }).env;
        if (envName && ctx.io.env[envName]?.trim()) ctx.notice(`Note: ${envName} is set in this shell and takes precedence.`);
      }),
    );
}

function registerGet(config: Command): void {
  config
    .command('get')
    .argument('<key>', Object.keys(KEYS).join(' | '))
    .description('print a setting (secrets masked)')
    .action(
      action(async (ctx, rawKey: string) => {
        const key = checkKey(rawKey);
        const { value, source, path } = effective(key, readConfig(configFilePath(ctx.io.env), (m) => ctx.notice(m)), ctx.io.env);
        ctx.result({ key, value, source, ...(path ? { path } : {}) }, () => value ?? '');
        if (!ctx.json && !value) ctx.notice(`${key} is not set`);
        if (!ctx.json && source === 'env') ctx.notice(`(from ${(KEYS[key] as { env?: string }).env}, which overrides the config file)`);
        if (!ctx.json && source === 'ngrok') ctx.notice(`(from ngrok's config file ${path}; \`scimctl config set\` stores one of scimctl's own)`);
      }),
    );
}

function registerUnset(config: Command): void {
  config
    .command('unset')
    .argument('<key>', Object.keys(KEYS).join(' | '))
    .description('remove a stored setting')
    .action(
      action(async (ctx, rawKey: string) => {
        const key = checkKey(rawKey);
        const path = configFilePath(ctx.io.env);
        const stored = readConfig(path);
        const removed = key in stored;
        if (removed) {
          delete stored[key];
          writeConfig(stored, path);
        }
        ctx.result({ key, removed }, () => '');
        if (!ctx.json) ctx.notice(removed ? `Removed ${key} from ${path}` : `${key} was not set`);
      }),
    );
}

function registerList(config: Command): void {
  config
    .command('list')
    .description('list the settings (secrets masked)')
    .action(
      action(async (ctx) => {
        const stored = readConfig(configFilePath(ctx.io.env), (m) => ctx.notice(m));
        const rows = (Object.keys(KEYS) as Key[]).map((key) => ({ key, ...effective(key, stored, ctx.io.env), description: KEYS[key].description }));
        ctx.result(rows, () =>
          ctx.table(['KEY', 'VALUE', 'SOURCE', 'DESCRIPTION'], rows.map((r) => [r.key, r.value ?? '-', r.source ?? '-', r.description]), [1, 2]),
        );
      }),
    );
}
