import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/scim/patch/engine.js';
import { normalizeResource } from '../../src/scim/normalize.js';
import { parseFilter } from '../../src/scim/filter/parser.js';
import { matchesFilter } from '../../src/scim/filter/evaluate.js';
import {
  endpointInAnyCase,
  entraFlagBeforePath,
  keywordInAnyCase,
  groupPatchAnswersNoContent,
  queryParameterInAnyCase,
  twiceEncodedFilter,
} from '../../src/scim/quirks/http.js';
import {
  echoesOwnId,
  elementForUnmatchedFilter,
  emptyOperationsChangeNothing,
  opInAnyCase,
  pathlessValueKeysArePaths,
  removeOfNothingSucceeds,
  removeValueNamesElement,
  unqualifiedExtensionPath,
} from '../../src/scim/quirks/patch.js';
import {
  bareReferenceId,
  discardsWriteOnly,
  entraGroupSchemaUrn,
  loneValueAsList,
  stringBoolean,
  wrappedSingleValue,
} from '../../src/scim/quirks/values.js';
import { ENTRA_GROUP_SCHEMA, resourceTypes, type AttributeDef } from '../../src/scim/schemas.js';
import { ENT, patch, storedUser } from './patch-fixtures.js';

const userAttr = (name: string): AttributeDef => resourceTypes.User.core.attributes.find((a) => a.name === name)!;
const manager = resourceTypes.User.extensions[0]!.attributes.find((a) => a.name === 'manager')!;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * One row per named client quirk: the quirk function on what the client sends, and (where the quirk
 * shows end to end) the same input through the normaliser or PATCH engine that calls it.
 */
const quirks: Array<[string, () => void]> = [
  ['entraFlagBeforePath', () => {
    expect(entraFlagBeforePath('/d1?aadOptscim062020/Users?filter=x')).toBe('/d1/Users?aadOptscim062020&filter=x');
    expect(entraFlagBeforePath('/d1/?aadOptscim062020/Groups')).toBe('/d1/Groups?aadOptscim062020');
    expect(entraFlagBeforePath('/d1/Users?aadOptscim062020')).toBeUndefined();
  }],
  ['twiceEncodedFilter', () => {
    expect(twiceEncodedFilter('userName%20eq%20%22a%22')).toBe('userName eq "a"');
    expect(twiceEncodedFilter('userName eq "50%25"')).toBe('userName eq "50%25"');
    expect(twiceEncodedFilter('%zz')).toBe('%zz');
  }],
  ['queryParameterInAnyCase', () => {
    expect(queryParameterInAnyCase({ Attributes: 'displayName' }, 'attributes')).toBe('displayName');
    expect(queryParameterInAnyCase({ startindex: '3' }, 'startIndex')).toBe('3');
    expect(queryParameterInAnyCase({ attributes: ['a', 'b'] }, 'attributes')).toBe('a,b');
    expect(queryParameterInAnyCase({}, 'filter')).toBeUndefined();
  }],
  ['groupPatchAnswersNoContent', () => {
    expect(groupPatchAnswersNoContent(false)).toBe(true);
    expect(groupPatchAnswersNoContent(true)).toBe(false);
  }],
  ['endpointInAnyCase', () => {
    expect(endpointInAnyCase('/users')).toBe(endpointInAnyCase('/Users'));
    expect(endpointInAnyCase('/GROUPS')).toBe(endpointInAnyCase('/Groups'));
    expect(endpointInAnyCase('.Search')).toBe(endpointInAnyCase('.search'));
  }],
  ['keywordInAnyCase', () => {
    expect(keywordInAnyCase('Descending')).toBe('descending');
    expect(keywordInAnyCase(undefined)).toBeUndefined();
  }],
  ['stringBoolean', () => {
    expect(stringBoolean('True')).toBe(true);
    expect(stringBoolean('false')).toBe(false);
    expect(stringBoolean('yes')).toBeUndefined();
    expect(normalizeResource('User', { userName: 'a', active: 'False' }).active).toBe(false);
    expect(matchesFilter(parseFilter('active eq "True"'), { active: true }, 'User', undefined)).toBe(true);
  }],
  ['wrappedSingleValue', () => {
    expect(wrappedSingleValue(userAttr('displayName'), [{ $ref: null, value: 'A' }], 'displayName')).toBe('A');
    expect(wrappedSingleValue(userAttr('displayName'), ['A'], 'displayName')).toBe('A');
    expect(wrappedSingleValue(userAttr('displayName'), [], 'displayName')).toBeUndefined();
    expect(() => wrappedSingleValue(userAttr('displayName'), ['A', 'B'], 'displayName')).toThrow(/single value/);
  }],
  ['bareReferenceId', () => {
    expect(bareReferenceId(manager, 'm1')).toEqual({ value: 'm1' });
    expect(bareReferenceId(userAttr('name'), 'x')).toBeUndefined();
    expect(normalizeResource('User', { userName: 'a', [`${ENT}:manager`]: 'm1' })[ENT]).toEqual({ manager: { value: 'm1' } });
  }],
  ['loneValueAsList', () => {
    expect(loneValueAsList({ value: 'a@x' })).toEqual([{ value: 'a@x' }]);
    expect(normalizeResource('User', { userName: 'a', emails: { value: 'a@x' } }).emails).toEqual([{ value: 'a@x' }]);
  }],
  ['discardsWriteOnly', () => {
    expect(discardsWriteOnly(userAttr('password'))).toBe(true);
    expect(normalizeResource('User', { userName: 'a', password: 'p' })).not.toHaveProperty('password');
    expect(applyPatch('User', storedUser(), patch({ op: 'replace', path: 'password', value: 'p' })).changed).toBe(false);
  }],
  ['entraGroupSchemaUrn', () => {
    expect(entraGroupSchemaUrn(ENTRA_GROUP_SCHEMA.toUpperCase())).toBe(ENTRA_GROUP_SCHEMA);
    expect(entraGroupSchemaUrn('urn:example:other')).toBeUndefined();
  }],
  ['opInAnyCase', () => {
    expect(opInAnyCase(' Replace ')).toBe('replace');
    expect(opInAnyCase(3)).toBe('');
    expect(applyPatch('User', storedUser(), patch({ op: 'Replace', path: 'displayName', value: 'A' })).attributes.displayName).toBe('A');
  }],
  ['emptyOperationsChangeNothing', () => {
    expect(emptyOperationsChangeNothing([])).toBe(true);
    expect(applyPatch('User', storedUser(), patch()).changed).toBe(false);
  }],
  ['pathlessValueKeysArePaths', () => {
    expect(pathlessValueKeysArePaths({ 'name.givenName': 'B' })).toEqual([['name.givenName', 'B']]);
    const result = applyPatch('User', storedUser(), patch({ op: 'replace', value: { 'name.givenName': 'B', [`${ENT}:department`]: 'D' } }));
    expect(result.attributes.name).toMatchObject({ givenName: 'B' });
    expect(result.attributes[ENT]).toMatchObject({ department: 'D' });
  }],
  ['unqualifiedExtensionPath', () => {
    expect(unqualifiedExtensionPath('User', 'manager')).toMatchObject({ schema: ENT, name: 'manager' });
    expect(unqualifiedExtensionPath('User', 'nickName')).toBeUndefined();
    const result = applyPatch('User', storedUser(), patch({ op: 'Add', path: 'manager', value: [{ $ref: null, value: 'm1' }] }));
    expect(result.attributes[ENT]).toMatchObject({ manager: { value: 'm1' } });
  }],
  ['elementForUnmatchedFilter', () => {
    const emails = userAttr('emails');
    expect(elementForUnmatchedFilter(parseFilter('Type eq "work" and primary eq true'), emails)).toEqual({ type: 'work', primary: true });
    expect(elementForUnmatchedFilter(parseFilter('type ne "work"'), emails)).toBeUndefined();
    const result = applyPatch('User', { schemas: [USER], userName: 'a' }, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x' }));
    expect(result.attributes.emails).toEqual([{ type: 'work', value: 'a@x' }]);
  }],
  ['removeValueNamesElement', () => {
    expect(removeValueNamesElement({ value: 'm1', display: 'M' }, { $ref: null, value: 'm1' })).toBe(true);
    expect(removeValueNamesElement({ value: 'm1' }, 'm1')).toBe(true);
    expect(removeValueNamesElement({ value: 'm2' }, { value: 'm1' })).toBe(false);
    const stored = { schemas: [USER], userName: 'a', emails: [{ value: 'a@x' }, { value: 'b@x' }] };
    expect(applyPatch('User', stored, patch({ op: 'remove', path: 'emails', value: [{ $ref: null, value: 'a@x' }] })).attributes.emails).toEqual([{ value: 'b@x' }]);
  }],
  ['removeOfNothingSucceeds', () => {
    expect(removeOfNothingSucceeds()).toBeUndefined();
    const stored = { schemas: [USER], userName: 'a' };
    for (const path of ['emails[type eq "work"]', `${ENT}:manager`, 'nickName']) {
      expect(applyPatch('User', stored, patch({ op: 'remove', path })).changed).toBe(false);
    }
  }],
  ['echoesOwnId', () => {
    expect(echoesOwnId('id', 'replace', 'g1', 'g1')).toBe(true);
    expect(echoesOwnId('id', 'replace', 'g2', 'g1')).toBe(false);
    expect(echoesOwnId('id', 'remove', 'g1', 'g1')).toBe(false);
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Old' };
    const renamed = applyPatch('Group', group, patch({ op: 'replace', value: { id: 'g1', displayName: 'New' } }), 'g1');
    expect(renamed.attributes).toMatchObject({ displayName: 'New' });
    expect(() => applyPatch('Group', group, patch({ op: 'replace', value: { id: 'g2' } }), 'g1')).toThrow(/read-only/);
  }],
];

describe('client quirks (src/scim/quirks)', () => {
  it.each(quirks)('%s', (_name, check) => check());

  it('has a row for every exported quirk', async () => {
    const modules = await Promise.all([import('../../src/scim/quirks/http.js'), import('../../src/scim/quirks/patch.js'), import('../../src/scim/quirks/values.js')]);
    const exported = modules.flatMap((m) => Object.keys(m)).sort();
    expect(quirks.map(([name]) => name).sort()).toEqual(exported);
  });
});
