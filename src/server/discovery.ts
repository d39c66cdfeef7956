import { resourceTypeById, resourceTypeList, schemaById, schemaList, serviceProviderConfig } from '../scim/discovery.js';
import type { ServerContext } from './context.js';
import { MAX_PAGE_SIZE } from './query.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

export function discoveryRoutes(routes: ScimRoutes, ctx: ServerContext, maxBodyBytes: number): void {
  routes.get('/ServiceProviderConfig', (req, res, x) => sendScim(x, res, 200, serviceProviderConfig(ctx.baseUrl(req, x), MAX_PAGE_SIZE, maxBodyBytes)));
  routes.get('/ResourceTypes', (req, res, x) => sendScim(x, res, 200, resourceTypeList(ctx.baseUrl(req, x))));
  routes.get('/ResourceTypes/:id', (req, res, x) => sendScim(x, res, 200, resourceTypeById(x.resourceId!, ctx.baseUrl(req, x))));
  routes.get('/Schemas', (req, res, x) => sendScim(x, res, 200, schemaList(ctx.baseUrl(req, x))));
  routes.get('/Schemas/:id', (req, res, x) => sendScim(x, res, 200, schemaById(x.resourceId!, ctx.baseUrl(req, x))));
}
