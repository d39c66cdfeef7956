import { describe, expect, test } from 'vitest';
import { ScimRoutes, type RouteHandler } from '../../src/server/routes.js';
import { ScimError } from '../../src/scim/errors.js';

// One named handler per route, so a match can be checked by name.
const names = new Map<RouteHandler, string>();
const routes = new ScimRoutes();
for (const [method, path] of [
  ['get', '/Users'], ['post', '/Users'], ['post', '/Users/.search'], ['get', '/Users/:id'], ['put', '/Users/:id'], ['patch', '/Users/:id'], ['delete', '/Users/:id'],
  ['get', '/Groups'], ['patch', '/Groups/:id'], ['get', '/ServiceProviderConfig'], ['get', '/Schemas/:id'],
] as const) {
  const handler: RouteHandler = () => {};
  names.set(handler, `${method.toUpperCase()} ${path}`);
  routes[method](path, handler);
}
const match = (method: string, path: string) => {
  const found = routes.match(method, path);
  return found && { route: names.get(found.handler), ...(found.id === undefined ? {} : { id: found.id }) };
};

describe('ScimRoutes.match', () => {
  test.each([
    ['GET', '/Users', { route: 'GET /Users' }],
    ['POST', '/Users', { route: 'POST /Users' }],
    ['GET', '/users', { route: 'GET /Users' }],
    ['GET', '/USERS/', { route: 'GET /Users' }],
    ['HEAD', '/Users', { route: 'GET /Users' }],
    ['GET', '/ServiceProviderConfig', { route: 'GET /ServiceProviderConfig' }],
    ['GET', '/serviceproviderconfig/', { route: 'GET /ServiceProviderConfig' }],
    ['GET', '/Users/u1', { route: 'GET /Users/:id', id: 'u1' }],
    ['GET', '/Users/u1/', { route: 'GET /Users/:id', id: 'u1' }],
    ['HEAD', '/users/U1', { route: 'GET /Users/:id', id: 'U1' }],
    ['PUT', '/Users/u1', { route: 'PUT /Users/:id', id: 'u1' }],
    ['PATCH', '/Users/u1', { route: 'PATCH /Users/:id', id: 'u1' }],
    ['DELETE', '/Users/u1', { route: 'DELETE /Users/:id', id: 'u1' }],
    ['PATCH', '/Groups/g%201', { route: 'PATCH /Groups/:id', id: 'g 1' }],
    ['GET', '/Users/..%2F..%2Fetc', { route: 'GET /Users/:id', id: '../../etc' }],
    ['POST', '/Users/.search', { route: 'POST /Users/.search' }],
    ['POST', '/users/.SEARCH/', { route: 'POST /Users/.search' }],
    // Only POST has a .search route; any other verb reads ".search" as an id, as the express Router did.
    ['GET', '/Users/.search', { route: 'GET /Users/:id', id: '.search' }],
    ['GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', { route: 'GET /Schemas/:id', id: 'urn:ietf:params:scim:schemas:core:2.0:User' }],
  ])('%s %s', (method, path, expected) => {
    expect(match(method, path)).toEqual(expected);
  });

  test.each([
    ['GET', '/'],
    ['GET', ''],
    ['GET', '/Nope'],
    ['PUT', '/Users'],
    ['POST', '/Users/u1'],
    ['OPTIONS', '/Users'],
    ['GET', '/Users/a/b'],
    ['GET', '/Users//'],
    ['GET', '//Users'],
    ['GET', '/Users/.search/x'],
    ['PATCH', '/Groups'],
    ['GET', '/ServiceProviderConfig/x'],
  ])('%s %s matches nothing', (method, path) => {
    expect(routes.match(method, path)).toBeUndefined();
  });

  test('a malformed %-escape in the id is 400 invalidSyntax', () => {
    let thrown: unknown;
    try {
      routes.match('GET', '/Users/%zz');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScimError);
    expect((thrown as ScimError).toJSON()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
      detail: 'the path segment "%zz" is not valid percent-encoding',
    });
  });
});
