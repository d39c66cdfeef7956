import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, scim, startTestServer, type TestServer } from '../helpers/server.js';

// Debian's chromium, driven by playwright-core (never a browser download). .ci/run installs it, so in
// CI (CI=true) a missing chromium fails these tests; on a developer's machine without it they are
// skipped, and say so.
const CHROMIUM = '/usr/bin/chromium';
const available = Boolean(process.env.CI) || existsSync(CHROMIUM);
if (!available) console.warn(`inspector browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

// The callbacks of page.evaluate/waitForFunction run in the page; the test is typechecked without DOM types.
declare const document: { documentElement: { dataset: Record<string, string | undefined> }; getElementById(id: string): { textContent: string | null } | null };

const XSS = '<img src=x onerror=alert(1)>';

describe.skipIf(!available)('the inspector in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let other: Server;
  let otherUrl: string;
  const dialogs: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer(2, { inspectorPollMs: 250 });
    // A page of another origin, for the cross-origin replay.
    other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    await server?.close();
    if (Object.keys(timings).length) console.log(`inspector timings (ms): ${JSON.stringify(timings)}`);
  });

  it('loads, and shows a SCIM request made by the test live, without a reload', async () => {
    const started = Date.now();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#request-filters');
    timings.firstPaint = Number(await page.evaluate(() => document.documentElement.dataset.firstPaintMs));
    timings.loadToListMs = Date.now() - started;
    await page.waitForFunction(() => document.getElementById('live-status')?.textContent === '● live');
    const sent = Date.now();
    await scim(server.directories[0]!, 'POST', '/Users', entraUser('alice'));
    await page.waitForSelector('#requests tr:has-text("/Users")', { timeout: 5000 });
    timings.liveUpdate = Date.now() - sent;
    // The target is within a second (measured 100-640 ms here, and printed below); the hard bound
    // leaves a loaded CI machine room, while a page that needs a reload still fails it.
    expect(timings.liveUpdate).toBeLessThan(3000);
  });

  it('shows both bodies of a request, and a replay beside the original with a diff', async () => {
    await page.click('#requests tr:has-text("POST") a');
    await page.waitForSelector('#request-body');
    expect(await page.textContent('#request-body')).toContain('"userName": "alice@contoso.com"');
    expect(await page.textContent('#response-body')).toContain('"id":');
    expect(await page.textContent('#status')).toBe('201');
    await page.click('#replay-button');
    await page.waitForSelector('#replay-status');
    // The user exists now: the same POST answers 409.
    expect(await page.textContent('#replay-status')).toBe('409');
    expect(await page.textContent('#replay-body')).toContain('uniqueness');
    expect(await page.textContent('#replay-diff')).toMatch(/^\+ .*uniqueness/m);
  });

  it('finds a user with a SCIM filter, and shows an XSS displayName as text', async () => {
    const dir = server.directories[0]!;
    await scim(dir, 'POST', '/Users', entraUser('bob'));
    await scim(dir, 'POST', '/Users', entraUser('mallory', { displayName: XSS }));
    await page.goto(`${server.url}/#/directories/${dir.id}/users`);
    await page.waitForSelector('#resource-search');
    await page.fill('#resource-search input[name="filter"]', 'userName sw "bob"');
    await page.click('#resource-search button');
    await page.waitForFunction(() => document.getElementById('result-count')?.textContent?.startsWith('1 users'));
    expect(await page.textContent('#resources tbody')).toContain('bob@contoso.com');

    await page.fill('#resource-search input[name="filter"]', 'userName sw "mallory"');
    await page.click('#resource-search button');
    await page.waitForSelector('#resources tr:has-text("mallory@contoso.com")');
    expect(await page.textContent('#result-count')).toMatch(/^1 users/);
    expect(await page.textContent('#resources .display-name')).toBe(XSS);
    expect(await page.locator('#resources img').count()).toBe(0);
    // The request list and detail show the raw body too: as text.
    await page.goto(`${server.url}/#/requests`);
    await page.click('#requests tr:has-text("POST") a');
    await page.waitForSelector('#request-body');
    expect(await page.textContent('#request-body')).toContain(XSS);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("shows a PATCH's operations, the before and after of what it changed, and its events", async () => {
    const dir = server.directories[0]!;
    const found = await scim(dir, 'GET', `/Users?filter=${encodeURIComponent('userName eq "alice@contoso.com"')}`);
    const id = found.body.Resources[0].id as string;
    await scim(dir, 'PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] });
    for (let i = 0; i < 100 && !server.store.requestLog.query({ limit: 1, method: 'PATCH' }).length; i++) await new Promise((r) => setTimeout(r, 10));
    const row = server.store.requestLog.query({ limit: 1, method: 'PATCH' })[0]!;
    await page.goto(`${server.url}/#/requests/${row.id}`);
    await page.waitForSelector('#patch-changes');
    expect(await page.textContent('#patch-operations')).toBe('replace active = false');
    expect(await page.textContent('#patch-changes')).toBe('active: true → false\n');
    expect(await page.textContent('#request-events')).toContain('user.deactivated');
    await page.click('#request-events a');
    await page.waitForSelector('#resource-json');
    expect(await page.textContent('#resource-json')).toContain('"active": false');
    // Its events trimmed, the PATCH still changed alice: the page must not say it changed nothing.
    server.store.events.trim(0);
    await page.goto(`${server.url}/#/requests/${row.id}?trimmed`);
    await page.waitForSelector('#patch-changes');
    expect(await page.textContent('#patch-changes')).toMatch(/^Not known: .*trimmed/);
    expect(await page.textContent('#no-events')).toMatch(/trimmed/);
  });

  it('applies a text filter to live rows as the server does: a new request whose only match is in its body appears', async () => {
    const dir = server.directories[0]!;
    await page.goto(`${server.url}/#/requests?q=${encodeURIComponent('Haystack-Needle')}`);
    await page.waitForSelector('#request-filters');
    await page.waitForFunction(() => document.getElementById('live-status')?.textContent === '● live');
    const before = server.store.requestLog.lastSeq();
    await scim(dir, 'POST', '/Users', entraUser('nomatch'));
    await scim(dir, 'POST', '/Users', entraUser('needle', { displayName: 'haystack-needle' }));
    await page.waitForSelector(`#requests tr[data-id="req_${before + 2}"]`, { timeout: 5000 });
    expect(await page.locator('#requests tr').count()).toBe(1);
  });

  it('pages through a log of 100,000 requests past 1,000 rows, keeping at most 1,000 in the page, and back to the live head', async () => {
    const big = await startTestServer(1, { inspectorPollMs: 250 });
    const view = await browser.newPage();
    try {
      const dir = big.directories[0]!;
      const N = 100_000;
      const path = `/scim/v2/${dir.id}/Users`;
      for (let from = 0; from < N; from += 10_000) {
        big.store.requestLog.append(
          Array.from({ length: 10_000 }, (_, i) => ({ time: new Date(Date.now() - (N - from - i) * 1000).toISOString(), directoryId: dir.id, method: 'GET', path, query: `filter=userName eq "u${from + i}@contoso.com"`, status: 200, durationMs: 1.5, errorKind: null, requestBody: null, responseBody: '{"totalResults":0}', userAgent: 'test', remoteAddress: '127.0.0.1' })),
        );
      }
      await view.goto(`${big.url}/#/requests`);
      await view.waitForSelector('#requests tr');
      timings.firstPaint100k = Number(await view.evaluate(() => document.documentElement.dataset.firstPaintMs));
      // The target is < 1 s (measured 270-450 ms here); the hard bound leaves a loaded CI machine room.
      expect(timings.firstPaint100k).toBeLessThan(2500);
      const ids = () => view.$$eval('#requests tr', (rows) => rows.map((r) => (r as unknown as { dataset: { id: string } }).dataset.id));
      expect((await ids())[0]).toBe(`req_${N}`);
      // 50 + 8 pages of 200: past 1,000 rows, the newest are dropped off the top.
      for (let i = 1; i <= 8; i++) {
        await view.click('#older');
        await view.waitForSelector(`#requests tr[data-id="req_${N - 50 - 200 * i + 1}"]`);
      }
      const shown = await ids();
      expect(shown.length).toBe(1000);
      expect(shown[shown.length - 1]).toBe(`req_${N - 1650 + 1}`);
      expect(shown[0]).toBe(`req_${N - 1650 + 1000}`);
      expect(await view.isVisible('#older')).toBe(true);
      // Paged back: a new request does not shift the list; it is counted.
      await view.waitForFunction(() => document.getElementById('live-status')?.textContent === '● live');
      await scim(dir, 'GET', '/Groups');
      await view.waitForFunction(() => document.getElementById('newest')?.textContent === 'Newest requests (1 new)', null, { timeout: 5000 });
      expect((await ids())[0]).toBe(`req_${N - 1650 + 1000}`);
      await view.click('#newest');
      await view.waitForSelector(`#requests tr:first-child[data-id="req_${N + 1}"]`);
      expect(await view.isVisible('#newest')).toBe(false);
      // At the head again, live rows go on top.
      const sent = Date.now();
      await scim(dir, 'GET', '/Users');
      await view.waitForSelector(`#requests tr:first-child[data-id="req_${N + 2}"]`, { timeout: 5000 });
      timings.liveUpdate100k = Date.now() - sent;
    } finally {
      await view.close();
      await big.close();
    }
  });

  it('refuses a non-loopback Host (DNS rebinding) and a cross-origin replay', async () => {
    const port = new URL(server.url).port;
    const rebound = await page.goto(`http://rebind.test:${port}/`);
    expect(rebound?.status()).toBe(403);
    const api = await page.goto(`http://rebind.test:${port}/_inspector/api/requests`);
    expect(api?.status()).toBe(403);

    const html = await (await fetch(`${server.url}/`)).text();
    const secret = /name="inspector-secret" content="([^"]+)"/.exec(html)![1]!;
    const before = server.store.requestLog.lastSeq();
    await page.goto(otherUrl);
    const target = `${server.url}/_inspector/api/requests/req_1/replay`;
    const outcome = await page.evaluate(
      async ({ target, secret }) => {
        // With the secret header the browser must ask first (CORS preflight), and is refused.
        const withSecret = await fetch(target, { method: 'POST', headers: { 'X-Inspector-Secret': secret } }).then(
          (r) => `status ${r.status}`,
          () => 'blocked',
        );
        // A simple POST goes out without asking; the server refuses it (Origin is not its own).
        await fetch(target, { method: 'POST', mode: 'no-cors' });
        return withSecret;
      },
      { target, secret },
    );
    expect(outcome).toBe('blocked');
    await new Promise((r) => setTimeout(r, 100));
    // No replay was sent: the log has no new row.
    expect(server.store.requestLog.lastSeq()).toBe(before);
  });
});
