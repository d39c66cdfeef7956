// The web inspector at scale: a database with many users and a full request log, one `scimctl serve`,
// then the inspector's JSON API (sequential requests, p50/p99), the page's first paint in headless
// chromium, and how long a SCIM request takes to show up in the open page (the live feed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSchema, entraUserBody, fillDataset, randomUuid, removeDb, userNameOf } from './lib/dataset.mjs';
import { startServer } from './lib/servers.mjs';
import { ms, num, percentile, table } from './lib/stats.mjs';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Fill request_log with `rows` rows for one directory, shaped like a provisioning run's log: mostly
 * Entra's userName matches, then creates, group PATCHes, 404s and uniqueness 409s (the columns of the
 * shipped schema; bytes as request-log.ts counts them). Times run oldest to newest over the last day.
 */
export function fillRequestLog(path, ds, rows) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `INSERT INTO request_log (time, directory_id, method, path, query, status, duration_ms, error_kind, request_body, response_body, user_agent, remote_address, bytes, request_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const base = `/scim/v2/${ds.directoryId}`;
  const agent = 'Microsoft.Identity.Provisioning/1.0';
  const start = Date.now() - 24 * 3600 * 1000;
  const size = (s) => (s === null ? 0 : Buffer.byteLength(s));
  const pick = (i) => ds.userIds[i % ds.userIds.length];
  const user = (i, id) => JSON.stringify({ ...entraUserBody(userNameOf(i), i), id, meta: { resourceType: 'User', location: `${base}/Users/${id}` } });
  db.transaction(() => {
    for (let n = 0; n < rows; n++) {
      const time = new Date(start + Math.floor((n * 24 * 3600 * 1000) / rows)).toISOString();
      const i = (n * 7919) % ds.users;
      const kind = n % 100;
      let row;
      if (kind < 60) {
        const list = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [JSON.parse(user(i, pick(i)))] });
        row = ['GET', `${base}/Users`, `filter=userName eq "${userNameOf(i)}"`, 200, null, null, list];
      } else if (kind < 80) {
        const body = JSON.stringify(entraUserBody(userNameOf(i), i));
        row = ['POST', `${base}/Users`, null, 201, null, body, user(i, pick(i))];
      } else if (kind < 90) {
        const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ value: pick(i) }] }] });
        row = ['PATCH', `${base}/Groups/${ds.groupIds.load[n % ds.groupIds.load.length]}`, null, 204, null, body, null];
      } else if (kind < 97) {
        const error = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Resource not found' });
        row = ['GET', `${base}/Users/${randomUuid()}`, null, 404, 'notFound', null, error];
      } else {
        const body = JSON.stringify(entraUserBody(userNameOf(i), i));
        const error = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'userName is already taken' });
        row = ['POST', `${base}/Users`, null, 409, 'uniqueness', body, error];
      }
      const [method, p, query, status, errorKind, requestBody, responseBody] = row;
      insert.run(time, ds.directoryId, method, p, query, status, 2 + (n % 37) / 10, errorKind, requestBody, responseBody, agent, '127.0.0.1', size(requestBody) + size(responseBody), null);
    }
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Sequential GETs of one API path (after unreported warm-ups): p50, p99, max, status and body size. */
export async function timeGet(url, runs, warmups = 2) {
  const times = [];
  let status;
  let bytes = 0;
  for (let i = 0; i < warmups + runs; i++) {
    const started = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    const elapsed = performance.now() - started;
    if (status !== undefined && res.status !== status) throw new Error(`${url}: status ${res.status} after ${status}`);
    status = res.status;
    bytes = body.byteLength;
    if (i >= warmups) times.push(elapsed);
  }
  return { runs, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), status, bytes };
}

/** The API requests measured; `dir` is the served directory, `q` text found in a few log rows only. */
export function apiRequests(dir, q) {
  const users = `/directories/${dir}/users`;
  const f = (filter) => `${users}?filter=${encodeURIComponent(filter)}`;
  return [
    ['GET /requests (first page)', '/requests', 30],
    ['GET /requests?status=4xx', '/requests?status=4xx', 30],
    [`GET /requests?q=${q} (rare text: scans the log)`, `/requests?q=${encodeURIComponent(q)}`, 10],
    ['GET /directories', '/directories', 30],
    ['GET /directories/<dir>/users (page 1, as the page asks)', `${users}?startIndex=1&count=50&deleted=true`, 30],
    // The page always lists deleted users too (deleted=true); the same filter without it, for comparison.
    ['GET /directories/<dir>/users?filter=userName eq', `${f(`userName eq "${userNameOf(4242)}"`)}&deleted=true`, 30],
    ['  same, without deleted=true (not what the page sends)', f(`userName eq "${userNameOf(4242)}"`), 30],
    ['GET /directories/<dir>/users?filter=displayName co (scan)', `${f('displayName co "Vance"')}&deleted=true`, 10],
  ];
}

// The functions passed to page.waitForFunction and addInitScript run in the page.
// Installed before the page's own scripts: notes performance.now() when the first row is inserted, so
// the figure does not depend on when the bench starts polling for it.
const watchFirstRow = (selector) => {
  new MutationObserver((_, observer) => {
    if (!document.querySelector(selector)) return;
    window.__firstRowMs = performance.now();
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
};
const firstRowAt = () => window.__firstRowMs ?? false;
const firstRowId = () => document.querySelector('#requests tr')?.dataset.id ?? null;
const newTopRow = (previous) => {
  const row = document.querySelector('#requests tr');
  return row && row.dataset.id !== previous ? row.dataset.id : false;
};

/**
 * First paint of one view: a new page (a fresh browser context, so nothing cached, on the first
 * run; the same context after that), navigated to the view, and the time from navigation start
 * (performance.now() in the page) until the first table row is inserted (a MutationObserver set up
 * before the page's scripts); also the page's own mark (data-first-paint-ms, set when the view has
 * rendered).
 */
export async function firstPaint(browser, url, selector, runs) {
  const context = await browser.newContext();
  await context.addInitScript(watchFirstRow, selector);
  const results = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      const handle = await page.waitForFunction(firstRowAt, null, { timeout: 30_000 });
      const rowMs = await handle.jsonValue();
      const pageMark = Number(await page.evaluate(() => document.documentElement.dataset.firstPaintMs));
      results.push({ rowMs, pageMark });
      await page.close();
    }
  } finally {
    await context.close();
  }
  const warm = results.slice(1).map((r) => r.rowMs);
  return { cold: results[0].rowMs, coldMark: results[0].pageMark, warmMedian: percentile(warm.length ? warm : [results[0].rowMs], 50), max: Math.max(...results.map((r) => r.rowMs)), runs: results };
}

/** Time from sending POST /Users until its row is the newest in the open requests view, `probes` times. */
export async function liveUpdate(browser, server, ds, probes) {
  const page = await browser.newPage();
  const times = [];
  try {
    await page.goto(`${server.info.inspectorUrl}#/requests`);
    await page.waitForSelector('#requests tr');
    await page.waitForFunction(() => document.getElementById('live-status')?.textContent === '● live', null, { timeout: 10_000 });
    for (let i = 0; i < probes; i++) {
      const previous = await page.evaluate(firstRowId);
      const body = entraUserBody(`inspector.probe.${i}.${Date.now()}@contoso.example`, i);
      const started = performance.now();
      const res = await fetch(`${server.url}/scim/v2/${ds.directoryId}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ds.token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`live-update probe: POST /Users answered ${res.status}`);
      await page.waitForFunction(newTopRow, previous, { polling: 'raf', timeout: 10_000 });
      times.push(performance.now() - started);
      // Spread the probes over the feed's poll interval rather than always landing just after a poll.
      await new Promise((r) => setTimeout(r, 100 + ((i * 37) % 150)));
    }
  } finally {
    await page.close();
  }
  return { probes, median: percentile(times, 50), max: Math.max(...times), times };
}

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * The bench section (run.mjs): builds the database under `out`, serves it with the built CLI at
 * `cli`, prints the tables, calls `target` for the first-paint goals and returns the raw figures.
 */
export async function inspectorSection({ cli, root, out, users, logRows, paintRuns, probes, keep, target }) {
  const db = join(out, 'inspector.db');
  const started = performance.now();
  createSchema(cli, db);
  const ds = fillDataset(db, { users });
  fillRequestLog(db, ds, logRows);
  const buildSeconds = (performance.now() - started) / 1000;
  console.log(`dataset ${num(users)} users, ${num(logRows)} request_log rows: built in ${buildSeconds.toFixed(1)} s`);
  const results = { users, logRows, buildSeconds };
  const server = await startServer({ name: 'scimctl', args: [cli, '--db', db, 'serve', '--port', '0', '--json', '--quiet'], cwd: root });
  let browser;
  try {
    const api = `${server.info.inspectorUrl}_inspector/api`;
    // A userName that only a handful of log rows mention: the text search reads the whole log to fill a page.
    const q = userNameOf(4242);
    results.api = [];
    for (const [label, path, runs] of apiRequests(ds.directoryId, q)) {
      const r = await timeGet(api + path, runs);
      if (r.status !== 200) throw new Error(`${label}: status ${r.status}`);
      results.api.push({ label, path, ...r });
    }
    console.log(`\ninspector API, one client, sequential requests after 2 warm-ups\n`);
    console.log(table([['request', 'runs', 'p50', 'p99', 'body'], ...results.api.map((r) => [r.label, num(r.runs), ms(r.p50), ms(r.p99), `${num(r.bytes / 1024, 1)} KB`])]));

    browser = await launchChromium();
    if (!browser) {
      console.log(`\n${CHROMIUM} not found: first paint and live updates skipped (apt-get install chromium)`);
      target(`inspector first paint, requests view (${num(logRows)} logged)`, 'n/a', '< 1000 ms', undefined, 'no chromium');
      target(`inspector first paint, users view (${num(users)} users)`, 'n/a', '< 1000 ms', undefined, 'no chromium');
      return results;
    }
    const views = [
      ['requests view', `${server.info.inspectorUrl}#/requests`, '#requests tr', `${num(logRows)} logged`],
      ['users view', `${server.info.inspectorUrl}#/directories/${ds.directoryId}/users`, '#resources tbody tr', `${num(users)} users`],
    ];
    results.firstPaint = {};
    for (const [name, url, selector] of views) results.firstPaint[name] = await firstPaint(browser, url, selector, paintRuns);
    console.log(`\nfirst paint in headless chromium: navigation start to the first table row inserted (performance.now() in the page, MutationObserver);`);
    console.log(`cold = a fresh browser context, nothing cached; warm = median of the next ${paintRuns - 1} loads in that context\n`);
    console.log(
      table([
        ['view', 'cold', 'warm median', 'max', "page's own mark (cold)"],
        ...Object.entries(results.firstPaint).map(([name, r]) => [name, ms(r.cold, 0), ms(r.warmMedian, 0), ms(r.max, 0), ms(r.coldMark, 0)]),
      ]),
    );
    for (const [name, , , scale] of views) {
      const r = results.firstPaint[name];
      target(`inspector first paint, ${name} (${scale})`, `${ms(r.max, 0)} worst of ${paintRuns} (cold ${ms(r.cold, 0)})`, '< 1000 ms', r.max < 1000);
    }

    results.liveUpdate = await liveUpdate(browser, server, ds, probes);
    const live = results.liveUpdate;
    console.log(`\nlive update: POST /Users sent until its row is the newest in the open requests view, ${probes} probes`);
    console.log(`median ${ms(live.median, 0)}, max ${ms(live.max, 0)}  (each: ${live.times.map((t) => Math.round(t)).join(', ')} ms; the feed polls the log every 250 ms)`);
    return results;
  } finally {
    await browser?.close();
    await server.stop();
    if (!keep) removeDb(db);
    console.log(`(inspector section total ${((performance.now() - started) / 1000).toFixed(1)} s with the dataset)`);
  }
}
