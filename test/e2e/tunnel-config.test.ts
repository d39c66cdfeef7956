import { readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scimctl, spawnScimctl, tempDb } from '../helpers/cli.js';

/** `scimctl config` for the ngrok authtoken: a 0600 file, and the token never printed back. */

let tmp: ReturnType<typeof tempDb>;
let configPath: string;
let env: Record<string, string>;
const run = (args: string[], options: { input?: string; env?: Record<string, string>; spawn?: boolean } = {}) =>
  (options.spawn ? spawnScimctl : scimctl)(tmp.db, ['config', ...args], { env: { ...env, ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}) });

beforeEach(() => {
  tmp = tempDb();
  configPath = `${tmp.dir}/xdg/scimctl/config.json`;
  // HOME and XDG_CONFIG_HOME too: never the ngrok agent's own config of whoever runs the tests.
  env = { SCIMCTL_CONFIG: configPath, NGROK_AUTHTOKEN: '', HOME: tmp.dir, XDG_CONFIG_HOME: `${tmp.dir}/xdg` };
});
afterEach(() => tmp.cleanup());

const mode = (path: string) => statSync(path).mode & 0o777;

describe('scimctl config', () => {
  it('`config set ngrok-authtoken x` writes a 0600 file in a 0700 folder; `config get` masks it', async () => {
    const set = await run(['set', 'ngrok-authtoken', 'x']);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe('');
    expect(set.stderr).toContain(`Saved ngrok-authtoken to ${configPath}`);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ 'ngrok-authtoken': 'x' });
    if (process.platform !== 'win32') {
      expect(mode(configPath)).toBe(0o600);
      expect(mode(dirname(configPath))).toBe(0o700);
    }
    const get = await run(['get', 'ngrok-authtoken']);
    expect(get).toMatchObject({ exitCode: 0, stdout: '********\n' });
  });

  it('shows only the last 4 characters of a long token, in text, JSON and list', async () => {
    const token = '2abcDEFghiJKLmnoPQRstu_0123456789wxyz';
    await run(['set', 'ngrok-authtoken', token]);
    const outputs = [await run(['get', 'ngrok-authtoken']), await run(['get', 'ngrok-authtoken', '--json']), await run(['list']), await run(['list', '--json'])];
    for (const o of outputs) {
      expect(o.exitCode).toBe(0);
      expect(o.stdout + o.stderr).not.toContain(token.slice(0, -4));
      expect(o.stdout).toContain('********wxyz');
    }
    expect(JSON.parse(outputs[1]!.stdout)).toEqual({ key: 'ngrok-authtoken', value: '********wxyz', source: 'config' });
  });

  it('reads the value from stdin when it is not given (keeps it out of shell history)', async () => {
    // A real pipe into the real binary.
    const set = await run(['set', 'ngrok-authtoken'], { input: 'piped_token_0123456789abcd\n', spawn: true });
    expect(set.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))['ngrok-authtoken']).toBe('piped_token_0123456789abcd');
    expect((await run(['set', 'ngrok-authtoken'], { input: '', spawn: true })).exitCode).toBe(2);
  });

  it('says nothing was given on stdin when stdin is empty (< /dev/null), not that the word has spaces', async () => {
    const set = await run(['set', 'ngrok-authtoken'], { input: '' });
    expect(set).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'error: no value for ngrok-authtoken: nothing was given on stdin\nPass it as an argument, pipe it (`echo "$TOKEN" | scimctl config set ngrok-authtoken`), or run this in a terminal to type it\n',
    });
  });

  it("with nothing stored, get and list show the ngrok agent's token (masked) and where it is", async () => {
    const yml = `${tmp.dir}/xdg/ngrok/ngrok.yml`;
    mkdirSync(dirname(yml), { recursive: true });
    writeFileSync(yml, 'version: "3"\nagent:\n  authtoken: agent_token_0123456789_abcd\n');
    const get = await run(['get', 'ngrok-authtoken']);
    expect(get).toEqual({ exitCode: 0, stdout: '********abcd\n', stderr: `(from ngrok's config file ${yml}; \`scimctl config set\` stores one of scimctl's own)\n` });
    expect(JSON.parse((await run(['get', 'ngrok-authtoken', '--json'])).stdout)).toEqual({ key: 'ngrok-authtoken', value: '********abcd', source: 'ngrok', path: yml });
    const list = await run(['list']);
    expect(list.stdout).toMatch(/ngrok-authtoken +\*{8}abcd +ngrok /);
    expect(list.stdout + list.stderr).not.toContain('agent_token');
  });

  it('NGROK_AUTHTOKEN overrides the stored token, and says so', async () => {
    await run(['set', 'ngrok-authtoken', 'stored_token_0123456789abcd']);
    const get = await run(['get', 'ngrok-authtoken'], { env: { NGROK_AUTHTOKEN: 'env_token_0123456789_efgh' } });
    expect(get.stdout).toBe('********efgh\n');
    expect(get.stderr).toContain('from NGROK_AUTHTOKEN');
  });

  it('unset removes it; get of an unset key prints nothing and exits 0', async () => {
    await run(['set', 'ngrok-authtoken', 'x']);
    expect(await run(['unset', 'ngrok-authtoken', '--json'])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('"removed": true') });
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({});
    const get = await run(['get', 'ngrok-authtoken']);
    expect(get).toMatchObject({ exitCode: 0, stdout: '' });
    expect(get.stderr).toContain('ngrok-authtoken is not set');
  });

  it('refuses unknown keys and values with spaces (exit 2)', async () => {
    const unknown = await run(['set', 'colour', 'blue']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('error: unknown config key "colour"');
    expect((await run(['set', 'ngrok-authtoken', 'two words'])).exitCode).toBe(2);
  });

  it('warns when the file is readable by others, and names a broken file without printing it', async () => {
    if (process.platform === 'win32') return;
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, JSON.stringify({ 'ngrok-authtoken': 'loose_token_0123456789abcd' }));
    chmodSync(configPath, 0o644);
    expect((await run(['get', 'ngrok-authtoken'])).stderr).toContain(`warning: ${configPath} is readable by other users`);
    await run(['set', 'ngrok-authtoken', 'fresh_token_0123456789abcd']);
    expect(mode(configPath)).toBe(0o600); // rewriting tightens it

    writeFileSync(configPath, '{"ngrok-authtoken": "secret_in_broken_file');
    const broken = await run(['get', 'ngrok-authtoken']);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain(`the config file ${configPath} is not a JSON object`);
    expect(broken.stderr).not.toContain('secret_in_broken_file');
  });
});
