import { resourceTypeById, resourceTypeList, schemaById, schemaList, serviceProviderConfig } from '../scim/discovery.js';
import type { ServerContext } from './context.js';
import { MAX_PAGE_SIZE } from './query.js';
import { sendScim } from './respond.js';
import type { ScimRoutes } from './routes.js';

export function discoveryRoutes(routes: ScimRoutes, ctx: ServerContext, maxBodyBytes: number): void {
  routes.get('/ServiceProviderConfig', (req, res) => sendScim(res, 200, serviceProviderConfig(ctx.baseUrl(req), MAX_PAGE_SIZE, maxBodyBytes)));
  routes.get('/ResourceTypes', (req, res) => sendScim(res, 200, resourceTypeList(ctx.baseUrl(req))));
  routes.get('/ResourceTypes/:id', (req, res) => sendScim(res, 200, resourceTypeById(req.params.id as string, ctx.baseUrl(req))));
  routes.get('/Schemas', (req, res) => sendScim(res, 200, schemaList(ctx.baseUrl(req))));
  routes.get('/Schemas/:id', (req, res) => sendScim(res, 200, schemaById(req.params.id as string, ctx.baseUrl(req))));
}
