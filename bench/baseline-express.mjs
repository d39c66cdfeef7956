// Baseline: express 5 + better-sqlite3 with express.json(), a router and an error handler — the
// framework cost scimctl cannot avoid. Same routes and SQL as scimctl's hot paths.
// Usage: node bench/baseline-express.mjs --db <file> [--port 0]; prints {"url": …} on stdout when listening.
import express from 'express';
import { createServer } from 'node:http';
import { openBaseline, parseArgs, SCIM_JSON, serveBaseline } from './lib/baseline-core.mjs';

const args = parseArgs(process.argv.slice(2));
const api = openBaseline(args.db);

const send = (res, result) => {
  if (result.location) res.setHeader('Location', result.location);
  res.status(result.status);
  if (result.body === undefined) res.end();
  else res.type(SCIM_JSON).end(JSON.stringify(result.body));
};

const app = express();
app.disable('x-powered-by');
app.set('etag', false);

const directory = express.Router({ mergeParams: true });
directory.use(express.json({ type: () => true, limit: 4 * 1024 * 1024 }));
directory.use((req, res, next) => {
  if (api.authorized(req.params.directoryId, req.get('authorization'))) next();
  else send(res, api.error(401, 'bearer token is not valid for this directory'));
});
const base = (req) => `${req.protocol}://${req.get('host')}/scim/v2/${req.params.directoryId}`;
directory.get('/Users', (req, res) => send(res, api.listByUserName(req.params.directoryId, req.query.filter, base(req))));
directory.post('/Users', (req, res) => send(res, api.createUser(req.params.directoryId, req.body, base(req))));
directory.patch('/Groups/:id', (req, res) => send(res, api.addMembers(req.params.directoryId, req.params.id, req.body)));

app.use('/scim/v2/:directoryId', directory);
app.use((req, res) => send(res, api.error(404, 'not found')));
app.use((error, req, res, _next) => {
  const status = error.status ?? error.statusCode ?? 500;
  if (status >= 500) console.error(error);
  send(res, api.error(status, status >= 500 ? 'internal error' : error.message));
});

const server = createServer({ keepAliveTimeout: 5000 }, app);
serveBaseline(server, args, api);
