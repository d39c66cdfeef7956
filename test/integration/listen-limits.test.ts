import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS, listen, type ConnectionLimits, type Listening } from '../../src/server/listen.js';

const sockets: Socket[] = [];
let listening: Listening | undefined;
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await listening?.close();
  listening = undefined;
});

async function start(limits: ConnectionLimits): Promise<Listening> {
  listening = await listen((_req, res) => res.end('ok'), 0, '127.0.0.1', limits);
  return listening;
}

/** A loopback connection that has sent `text` (a partial request); resolves once connected. */
function open(port: number, text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      // Flowing, so the server's close (after any 408 it writes) is seen.
      socket.resume();
      resolve(socket);
    });
    socket.on('error', () => {}); // a refused connection may be reset; the tests look at 'close'
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Milliseconds until the server closes `socket`, or undefined if it is still open after `within`. */
function closedWithin(socket: Socket, within: number): Promise<number | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => resolve(undefined), within);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

it('has documented defaults: 10 s for headers, 60 s for a whole request, 1,000 connections', () => {
  expect(DEFAULT_CONNECTION_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxConnections: 1_000 });
});

it('cuts a connection that does not finish its headers within the headers timeout', async () => {
  const { port, server } = await start({ headersTimeoutMs: 300 });
  expect(server.headersTimeout).toBe(300);
  const slow = await open(port, 'GET /healthz HT');
  const closedAfter = await closedWithin(slow, 3000);
  expect(closedAfter).toBeDefined();
  expect(closedAfter!).toBeLessThan(1000);
  // A request that is sent at once is unaffected.
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
});

it('refuses connections beyond the cap, and accepts again once one closes', async () => {
  const { port } = await start({ maxConnections: 3 });
  const held = [await open(port, 'GET / HT'), await open(port, 'GET / HT'), await open(port, 'GET / HT')];
  const extra = await open(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  expect(await closedWithin(extra, 2000)).toBeDefined();
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  held[0]!.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } })).status).toBe(200);
  // The connections within the cap were left alone.
  expect(held.slice(1).map((socket) => socket.destroyed)).toEqual([false, false]);
});
