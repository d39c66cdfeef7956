// Baseline: node:http + better-sqlite3, no framework. Same routes and SQL as scimctl's hot paths.
// Usage: node bench/baseline-raw.mjs --db <file> [--port 0]; prints {"url": …} on stdout when listening.
import { createServer } from 'node:http';
import { openBaseline, parseArgs, SCIM_JSON, serveBaseline } from './lib/baseline-core.mjs';

const MAX_BODY = 4 * 1024 * 1024;
const ROUTE = /^\/scim\/v2\/([^/?]+)\/(Users|Groups)(?:\/([^/?]+))?\/?(?:\?(.*))?$/;

const args = parseArgs(process.argv.slice(2));
const api = openBaseline(args.db);

function send(res, result) {
  if (result.location) res.setHeader('Location', result.location);
  if (result.body === undefined) {
    res.writeHead(result.status).end();
    return;
  }
  res.writeHead(result.status, { 'Content-Type': SCIM_JSON }).end(JSON.stringify(result.body));
}

function readJson(req, done) {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY) return done(api.error(413, 'body too large'));
    try {
      done(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      done(api.error(400, 'body is not JSON'));
    }
  });
}

const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  try {
    const m = ROUTE.exec(req.url);
    if (!m) return send(res, api.error(404, 'not found'));
    const [, directoryId, resource, id, query] = m;
    if (!api.authorized(directoryId, req.headers.authorization)) return send(res, api.error(401, 'bearer token is not valid for this directory'));
    const base = `http://${req.headers.host}/scim/v2/${directoryId}`;
    if (resource === 'Users' && !id && req.method === 'GET') {
      const filter = new URLSearchParams(query ?? '').get('filter');
      return send(res, api.listByUserName(directoryId, filter, base));
    }
    if (resource === 'Users' && !id && req.method === 'POST') {
      return readJson(req, (err, body) => send(res, err ?? api.createUser(directoryId, body, base)));
    }
    if (resource === 'Groups' && id && req.method === 'PATCH') {
      return readJson(req, (err, body) => send(res, err ?? api.addMembers(directoryId, decodeURIComponent(id), body)));
    }
    send(res, api.error(404, 'not found'));
  } catch (error) {
    console.error(error);
    send(res, api.error(500, 'internal error'));
  }
});

serveBaseline(server, args, api);
