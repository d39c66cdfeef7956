// Load generation with autocannon (programmatic, loopback, fixed connections, bounded time or count).
// Latency comes from autocannon's per-response event (float ms), not its integer-ms histogram.
import autocannon from 'autocannon';
import { entraUserBody, userNameOf } from './dataset.mjs';
import { percentile } from './stats.mjs';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_AGENT = 'scimctl-bench (Entra-shaped requests)';

/** Each scenario: a request factory (also used for the preflight check) and the status it must get. */
export const scenarios = {
  /** GET /Users?filter=userName eq "<random existing user>". */
  get(ds, { users = ds.users } = {}) {
    return {
      name: 'GET filter userName eq',
      expect: 200,
      next() {
        const i = Math.floor(Math.random() * users);
        const filter = encodeURIComponent(`userName eq "${userNameOf(i)}"`);
        return { method: 'GET', path: `/scim/v2/${ds.directoryId}/Users?filter=${filter}`, check: (body) => body?.totalResults === 1 && body.Resources?.[0]?.userName === userNameOf(i) };
      },
    };
  },

  /** POST /Users with a unique userName per request. */
  post(ds, tag) {
    let n = 0;
    return {
      name: 'POST /Users',
      expect: 201,
      next() {
        const i = n++;
        const userName = `new.${tag}.${i}@fabrikam.example`;
        return { method: 'POST', path: `/scim/v2/${ds.directoryId}/Users`, body: JSON.stringify(entraUserBody(userName, i)), check: (body) => body?.userName === userName && typeof body.id === 'string' };
      },
    };
  },

  /** PATCH /Groups/{id}, Entra's legacy add-member form; `groups` and `members` say what to pick from. */
  patch(ds, { groups = ds.groupIds.load, members = ds.userIds, sequential = false, name = 'PATCH add member' } = {}) {
    let n = 0;
    return {
      name,
      expect: 204,
      next() {
        const k = n++;
        const member = sequential ? members[k % members.length] : members[Math.floor(Math.random() * members.length)];
        const group = groups[k % groups.length];
        const body = { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: member }] }] };
        return { method: 'PATCH', path: `/scim/v2/${ds.directoryId}/Groups/${group}`, body: JSON.stringify(body) };
      },
    };
  },
};

function headersFor(token, request) {
  const headers = { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT, accept: 'application/scim+json' };
  if (request.body !== undefined) headers['content-type'] = 'application/scim+json; charset=utf-8';
  return headers;
}

/** One request through fetch, checking status and (when the scenario can) the body. Throws on mismatch. */
export async function preflight(server, ds, scenario) {
  const request = scenario.next();
  const res = await fetch(server.url + request.path, { method: request.method, headers: headersFor(ds.token, request), body: request.body });
  const text = await res.text();
  if (res.status !== scenario.expect) throw new Error(`${server.name} ${scenario.name}: expected ${scenario.expect}, got ${res.status}: ${text.slice(0, 300)}`);
  if (request.check && !request.check(text ? JSON.parse(text) : undefined)) throw new Error(`${server.name} ${scenario.name}: unexpected body ${text.slice(0, 300)}`);
}

/**
 * Run one load. `duration` (s) or `amount` (requests) bounds it. Returns req/s of expected-status
 * responses, their p50/p99 latency, and counts of anything else (errors, timeouts, other statuses).
 */
export async function runLoad(server, ds, scenario, { connections, duration, amount }) {
  const latencies = [];
  const statuses = {};
  const cpuBefore = server.cpuMs?.() ?? NaN;
  const started = performance.now();
  const instance = autocannon({
    url: server.url,
    connections,
    ...(amount ? { amount } : { duration }),
    timeout: 10,
    headers: { authorization: `Bearer ${ds.token}`, 'user-agent': USER_AGENT, accept: 'application/scim+json' },
    requests: [
      {
        setupRequest(req) {
          const r = scenario.next();
          req.method = r.method;
          req.path = r.path;
          if (r.body !== undefined) {
            req.body = r.body;
            req.headers = { ...req.headers, 'content-type': 'application/scim+json; charset=utf-8' };
          }
          return req;
        },
      },
    ],
  });
  let lastAt = started;
  instance.on('response', (_client, status, _bytes, time) => {
    lastAt = performance.now();
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === scenario.expect) latencies.push(time);
  });
  const result = await instance;
  const cpuMs = (server.cpuMs?.() ?? NaN) - cpuBefore;
  // Up to the last response, not the end of the run: autocannon ends `amount` runs on its 1 s tick.
  const seconds = (lastAt - started) / 1000;
  const unexpected = Object.entries(statuses).filter(([s]) => Number(s) !== scenario.expect);
  return {
    ok: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** Server CPU per answered request: steadier than req/s on a busy machine. */
    cpuUs: (cpuMs * 1000) / Object.values(statuses).reduce((a, b) => a + b, 0),
    seconds,
    errors: result.errors,
    timeouts: result.timeouts,
    unexpected: Object.fromEntries(unexpected),
    bad: result.errors + unexpected.reduce((sum, [, c]) => sum + c, 0),
  };
}
