import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAuthtoken } from '../../src/cli/config.js';
import { authtokenIn, ngrokAuthtoken, ngrokConfigPaths } from '../../src/cli/ngrok-config.js';

/** The ngrok agent's own authtoken, for `serve --tunnel` when scimctl has none. */

describe('authtokenIn (the two keys of ngrok.yml that matter)', () => {
  it.each([
    ['v2: top level', 'authtoken: tok_v2\nregion: eu\n', 'tok_v2'],
    ['v3: under agent', 'version: "3"\nagent:\n  authtoken: tok_v3\n', 'tok_v3'],
    ['v3 with other agent keys and tunnels', 'agent:\n  region: us\n  authtoken: "tok_q"\ntunnels:\n  web:\n    authtoken: not_this\n', 'tok_q'],
    ['single quotes and a comment', "agent:\n    authtoken: 'tok_s' # mine\n", 'tok_s'],
    ['v3 wins over a leftover v2 key', 'authtoken: old\nagent:\n  authtoken: new\n', 'new'],
    ['CRLF line ends', 'agent:\r\n  authtoken: tok_crlf\r\n', 'tok_crlf'],
    ['a nested authtoken is not the agent one', 'agent:\n  connect:\n    authtoken: deep\n', undefined],
    ['an authtoken under another top-level key', 'tunnels:\n  authtoken: nope\n', undefined],
    ['empty, null and ~', 'authtoken:\nagent:\n  authtoken: null\n', undefined],
    ['commented out', '# authtoken: old\nagent:\n  # authtoken: older\n', undefined],
    ['no file content', '', undefined],
  ])('%s', (_name, text, expected) => {
    expect(authtokenIn(text)).toBe(expected);
  });
});

describe('where ngrok keeps its config', () => {
  it.each([
    ['linux', { HOME: '/h' }, ['/h/.config/ngrok/ngrok.yml', '/h/.ngrok2/ngrok.yml']],
    ['linux', { HOME: '/h', XDG_CONFIG_HOME: '/x' }, ['/x/ngrok/ngrok.yml', '/h/.ngrok2/ngrok.yml']],
    ['linux', { HOME: '/h', XDG_CONFIG_HOME: 'relative' }, ['/h/.config/ngrok/ngrok.yml', '/h/.ngrok2/ngrok.yml']],
    ['darwin', { HOME: '/h', XDG_CONFIG_HOME: '/x' }, ['/h/Library/Application Support/ngrok/ngrok.yml', '/h/.ngrok2/ngrok.yml']],
  ] as const)('%s %j', (platform, env, paths) => {
    expect(ngrokConfigPaths(env, platform)).toEqual(paths);
  });
});

describe('resolveAuthtoken with fake HOME and XDG folders', () => {
  let home: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'scimctl-ngrok-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const env = () => ({ HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), SCIMCTL_CONFIG: join(home, 'scimctl.json') });

  it("uses the ngrok agent's file when NGROK_AUTHTOKEN and scimctl's config have none, naming the file", () => {
    const yml = join(home, 'xdg', 'ngrok', 'ngrok.yml');
    write(yml, 'version: "3"\nagent:\n  authtoken: from_agent\n');
    expect(resolveAuthtoken(env(), undefined, 'linux')).toEqual({ token: 'from_agent', source: `ngrok's config file ${yml}` });
  });

  it('falls back to the legacy ~/.ngrok2 file (v2 shape), and reads macOS\'s folder on macOS', () => {
    write(join(home, '.ngrok2', 'ngrok.yml'), 'authtoken: legacy\n');
    expect(ngrokAuthtoken(env(), 'linux')).toEqual({ token: 'legacy', path: join(home, '.ngrok2', 'ngrok.yml') });
    const mac = join(home, 'Library', 'Application Support', 'ngrok', 'ngrok.yml');
    write(mac, 'agent:\n  authtoken: mac\n');
    expect(ngrokAuthtoken(env(), 'darwin')).toEqual({ token: 'mac', path: mac });
  });

  it("NGROK_AUTHTOKEN, then scimctl's config, win over ngrok's file", () => {
    write(join(home, 'xdg', 'ngrok', 'ngrok.yml'), 'authtoken: from_agent\n');
    write(env().SCIMCTL_CONFIG, JSON.stringify({ 'ngrok-authtoken': 'stored' }));
    expect(resolveAuthtoken(env(), undefined, 'linux')?.token).toBe('stored');
    expect(resolveAuthtoken({ ...env(), NGROK_AUTHTOKEN: 'shell' }, undefined, 'linux')).toEqual({ token: 'shell', source: 'NGROK_AUTHTOKEN' });
  });

  it('none anywhere: no token', () => {
    write(join(home, 'xdg', 'ngrok', 'ngrok.yml'), 'region: eu\n');
    expect(resolveAuthtoken(env(), undefined, 'linux')).toBeUndefined();
  });
});
