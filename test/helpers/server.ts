import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { Store } from '../../src/store/store.js';
import { tempDb } from './cli.js';

export interface TestDirectory {
  id: string;
  token: string;
  /** http://127.0.0.1:<port>/scim/v2/<id> */
  baseUrl: string;
}

export interface TestServer {
  store: Store;
  url: string;
  directories: TestDirectory[];
  close: () => Promise<void>;
}

/** createApp over a temp database, listening on loopback, with `count` directories. */
export async function startTestServer(count = 2, options: Partial<AppOptions> = {}, storeOptions: { listDeadlineMs?: number } = {}): Promise<TestServer> {
  const temp = tempDb();
  const store = new Store(temp.db, storeOptions);
  const env = store.environments.create({ name: 'test', publicUrl: 'http://localhost:8080' });
  const org = store.organizations.create({ environmentId: env.id, name: 'Acme', domains: [] });
  const made = [];
  for (let i = 0; i < count; i++) made.push(store.directories.create({ organizationId: org.id, name: `dir${i}` }));
  // As serve does once its start-up writes are done.
  store.failFastOnLock();
  const app = createApp({ store, ...options });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    store,
    url,
    directories: made.map(({ directory, token }) => ({ id: directory.id, token, baseUrl: `${url}/scim/v2/${directory.id}` })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      temp.cleanup();
    },
  };
}

export interface ScimResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: any;
  text: string;
}

/** One SCIM request as Entra sends it: bearer token, application/scim+json. */
export async function scim(dir: TestDirectory, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimResponse> {
  const response = await fetch(dir.baseUrl + path, {
    method,
    headers: {
      Authorization: `Bearer ${dir.token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The default body Entra sends to create a user (Entra's provisioning cycle, the create step). */
export function entraUser(nick: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    externalId: nick,
    userName: `${nick}@contoso.com`,
    active: true,
    displayName: `${nick[0]!.toUpperCase()}${nick.slice(1)} Example`,
    title: 'Engineer',
    preferredLanguage: 'en-US',
    name: { givenName: nick, familyName: 'Example', formatted: `${nick} Example` },
    emails: [{ type: 'work', primary: true, value: `${nick}@contoso.com` }],
    addresses: [{ type: 'work', formatted: '1 Main St', streetAddress: '1 Main St', locality: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' }],
    phoneNumbers: [
      { type: 'work', value: '+1 555 0100' },
      { type: 'mobile', value: '+1 555 0101' },
    ],
    [ENTERPRISE]: { employeeNumber: '1001', department: 'R&D' },
    meta: { resourceType: 'User' },
    roles: [],
    ...extra,
  };
}
