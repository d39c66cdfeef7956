// Single requests that read a lot at the largest scale: how long each takes, and how long the event
// loop stalls meanwhile (the worst /healthz latency while the request runs, polled every 10 ms).
import { userNameOf } from './dataset.mjs';

const HEADERS = (ds) => ({ authorization: `Bearer ${ds.token}`, accept: 'application/scim+json' });

/** The probes: [label, path under the directory, runs, what the answer must be]. */
export function largeRequests(users) {
  const co = Array.from({ length: 145 }, (_, i) => `emails.value co "n${i}q"`).join(' or ');
  const f = (filter) => `/Users?filter=${encodeURIComponent(filter)}`;
  return [
    ['GET /Users?count=100 (first page)', '/Users?count=100', 5, 200],
    [`GET /Users?startIndex=${users - 10_000}&count=100 (deep page)`, `/Users?startIndex=${users - 10_000}&count=100`, 5, 200],
    ['GET /Users?startIndex=1e18 (past the end)', '/Users?startIndex=1000000000000000000', 5, 200],
    ['GET userName eq (Entra match)', f(`userName eq "${userNameOf(7)}"`), 5, 200],
    ['GET emails[value co] (scans on the worker)', f('emails[value co "nobody"]'), 3, 200],
    ['GET title sw, sortBy userName (scans on the worker)', `${f('title sw "Dir"')}&sortBy=userName&count=10`, 3, 200],
    // About 17 s of scanning at 100k users: stopped at the 10 s deadline (400 tooMany); smaller directories finish.
    ['GET 145 emails co clauses (scans on the worker)', f(co), 1, users >= 50_000 ? 400 : 200],
  ];
}

/** Run one probe `runs` times; returns the median latency and the worst /healthz stall seen during any run. */
export async function probe(server, ds, [label, path, runs, expect]) {
  const times = [];
  let worstStall = 0;
  const statuses = new Set();
  for (let i = 0; i < runs; i++) {
    let done = false;
    const started = performance.now();
    const request = fetch(server.url + `/scim/v2/${ds.directoryId}` + path, { headers: HEADERS(ds) }).then(async (r) => {
      await r.arrayBuffer();
      times.push(performance.now() - started);
      statuses.add(r.status);
      done = true;
    });
    while (!done) {
      const t = performance.now();
      await fetch(server.url + '/healthz').then((r) => r.arrayBuffer());
      worstStall = Math.max(worstStall, performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
    await request;
  }
  times.sort((a, b) => a - b);
  return { label, p50: times[Math.floor(times.length / 2)], worstStall, statuses: [...statuses], ok: statuses.size === 1 && statuses.has(expect) };
}
