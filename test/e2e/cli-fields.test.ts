import { describe, expect, test } from 'vitest';
import { selectFields } from '../../src/cli/fields.js';
import { scimctl, scimctlJson, useTempDbs } from '../helpers/cli.js';

/** `--json --fields a,b`: gh's field selection, on every command's JSON. */

describe('selectFields', () => {
  test.each([
    ['an object: only those fields, in the order asked', { id: 1, name: 'a', x: true }, ['name', 'id'], { name: 'a', id: 1 }],
    ['a list: those fields of each element', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], ['id'], [{ id: 1 }, { id: 2 }]],
    ['a field only some elements have is left out of the others', [{ id: 1, token: 't' }, { id: 2 }], ['token'], [{ token: 't' }, {}]],
    ['nested values are kept whole', { id: 1, tunnel: { provider: 'ngrok' } }, ['tunnel'], { tunnel: { provider: 'ngrok' } }],
    ['an empty list has nothing to check or keep', [], ['anything'], []],
    ['a dotted name reaches inside an object', { id: 1, name: { givenName: 'Ada', familyName: 'L' } }, ['name.givenName', 'id'], { name: { givenName: 'Ada' }, id: 1 }],
    ['two dotted names of one object are put together', { name: { givenName: 'Ada', familyName: 'L', x: 1 } }, ['name.givenName', 'name.familyName'], { name: { givenName: 'Ada', familyName: 'L' } }],
    ['through a list, each of its objects', { url: 'u', directories: [{ id: 'a', baseUrl: 'b' }, { id: 'c', baseUrl: 'd' }] }, ['directories.baseUrl'], { directories: [{ baseUrl: 'b' }, { baseUrl: 'd' }] }],
    ['a key holding dots (a schema URN) is matched whole', { 'urn:x:2.0:User': { manager: { value: 'm' }, dept: 'd' } }, ['urn:x:2.0:User.manager.value'], { 'urn:x:2.0:User': { manager: { value: 'm' } } }],
    ['a path an object lacks is left out of it', [{ tunnel: { url: 'x' } }, { tunnel: null }], ['tunnel.url'], [{ tunnel: { url: 'x' } }, {}]],
  ])('%s', (_name, data, fields, expected) => {
    expect(selectFields(data, fields)).toEqual(expected);
  });
});

describe('--fields', () => {
  const temp = useTempDbs();

  test('keeps only the named fields of each element of a list, and of a single object', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    await scimctlJson(t.db, ['env', 'create', 'prod']);
    const listed = await scimctl(t.db, ['env', 'list', '--json', '--fields', 'name,id']);
    expect(listed.exitCode).toBe(0);
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual([['name', 'id'], ['name', 'id']]);
    expect(rows.map((r) => r.name)).toEqual(['dev', 'prod']);
    const shown = await scimctl(t.db, ['env', 'show', 'dev', '--fields', 'name', '--json']);
    expect(JSON.parse(shown.stdout)).toEqual({ name: 'dev' });
  });

  test('an unknown field is a usage error naming it and listing the available ones', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    const result = await scimctl(t.db, ['env', 'list', '--json', '--fields', 'name,nope']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    const error = (JSON.parse(result.stderr) as { error: { kind: string; message: string; hint: string } }).error;
    expect(error.kind).toBe('usage');
    expect(error.message).toBe('invalid --fields "name,nope": unknown field "nope"');
    expect(error.hint).toMatch(/^Available fields: (\w+, )*id, (\w+, )*name(, \w+)*$/);
  });

  test('needs --json, and a list of names', async () => {
    const t = temp();
    await scimctlJson(t.db, ['env', 'create', 'dev']);
    expect(await scimctl(t.db, ['env', 'list', '--fields', 'id'])).toEqual({ exitCode: 2, stdout: '', stderr: 'error: --fields needs --json\nRun with --help for usage\n' });
    expect(await scimctl(t.db, ['env', 'list', '--fields', 'id,,name', '--json'])).toMatchObject({ exitCode: 2, stdout: '' });
    const twice = await scimctl(t.db, ['env', 'list', '--fields', 'id,id']);
    expect(twice).toEqual({ exitCode: 2, stdout: '', stderr: 'error: invalid --fields "id,id": "id" is given twice\nRun with --help for usage\n' });
  });
});
