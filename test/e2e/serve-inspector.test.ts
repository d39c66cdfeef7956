import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/cli.js';
import { spawnServe } from '../helpers/serve.js';

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

describe('serve and the web inspector', () => {
  it('serves the inspector from the built package, gives its URL in the ready line, and is not held up by a live feed at shutdown', async () => {
    // A long grace period, so a feed that held shutdown would hold it for a minute, far past the bound below.
    const serve = await spawnServe(temp.db, ['--shutdown-timeout', '60']);
    try {
      expect(serve.ready.inspectorUrl).toBe(`${serve.ready.url}/`);
      const page = await fetch(serve.ready.inspectorUrl!);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('/_inspector/inspector.js');
      const [js, css] = await Promise.all([fetch(`${serve.ready.url}/_inspector/inspector.js`), fetch(`${serve.ready.url}/_inspector/inspector.css`)]);
      expect([js.status, css.status]).toEqual([200, 200]);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      const size = (await js.arrayBuffer()).byteLength + (await css.arrayBuffer()).byteLength + html.length;
      // The budget for all the page's assets together.
      expect(size).toBeLessThan(300 * 1024);
      // A live feed is open while serve stops: it ends with the listener instead of holding shutdown.
      const stream = await fetch(`${serve.ready.url}/_inspector/api/stream`);
      expect(stream.status).toBe(200);
      // The bound is loose for a loaded machine; a held feed would take the whole 60 s.
      const started = Date.now();
      const stopped = await Promise.race([serve.stop(), new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 15_000).unref())]);
      if (stopped === 'held') throw new Error('serve was still stopping 15 s after SIGTERM: the live feed held shutdown');
      expect(stopped.exitCode).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      serve.process.kill('SIGKILL');
    }
  });

  it('--host 0.0.0.0: inspectorUrl is the loopback address (the inspector answers only a loopback Host); with --no-inspector it is null', async () => {
    const serve = await spawnServe(temp.db, ['--host', '0.0.0.0']);
    try {
      const port = new URL(serve.ready.url).port;
      expect(serve.ready.inspectorUrl).toBe(`http://127.0.0.1:${port}/`);
      expect((await fetch(serve.ready.inspectorUrl!)).status).toBe(200);
    } finally {
      await serve.stop();
    }
    const without = await spawnServe(temp.db, ['--host', '0.0.0.0', '--no-inspector']);
    try {
      expect(without.ready.inspectorUrl).toBeNull();
    } finally {
      await without.stop();
    }
  });

  it('--no-inspector: no page, no API, and inspectorUrl null', async () => {
    const serve = await spawnServe(temp.db, ['--no-inspector']);
    try {
      expect(serve.ready.inspectorUrl).toBeNull();
      expect((await fetch(`${serve.ready.url}/`)).status).toBe(404);
      expect((await fetch(`${serve.ready.url}/_inspector/api/requests`)).status).toBe(404);
    } finally {
      await serve.stop();
    }
  });
});
