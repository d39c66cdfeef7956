import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from '../core/errors.js';

export interface Listening {
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  /**
   * Stop accepting, let in-flight requests finish, then resolve. With a deadline (ms), whatever is
   * still open then (a client that sent half a request and stalls) is cut off, so close always ends.
   */
  close: (deadlineMs?: number) => Promise<void>;
}

/**
 * What one slow or greedy client may hold. Node's defaults let a connection trickle its headers for
 * about a minute, so 20,000 connections sending a byte a second exhausted the file descriptors.
 */
export interface ConnectionLimits {
  /** Milliseconds a client has to send a request's headers; the connection is cut after that. */
  headersTimeoutMs?: number;
  /** Milliseconds a client has to send a whole request, body included (4 MB at ~1 Mbit/s fits). */
  requestTimeoutMs?: number;
  /** Connections open at once; connections beyond it are closed as soon as they are accepted. */
  maxConnections?: number;
}

export const DEFAULT_CONNECTION_LIMITS: Required<ConnectionLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxConnections: 1_000,
};

/** Listen on host:port; a port in use is a clear error, never a false "listening". */
export function listen(handler: RequestListener, port: number, host: string, limits: ConnectionLimits = {}): Promise<Listening> {
  const { headersTimeoutMs, requestTimeoutMs, maxConnections } = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  const server = createServer(
    {
      keepAliveTimeout: 5000,
      headersTimeout: headersTimeoutMs,
      // Node refuses a request timeout shorter than the headers timeout.
      requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
      // Node looks for expired requests only this often (30 s by default), so a short timeout needs
      // a short interval to be enforced anywhere near on time.
      connectionsCheckingInterval: Math.min(1000, Math.max(25, Math.floor(headersTimeoutMs / 4))),
    },
    handler,
  );
  server.maxConnections = maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new CliError('runtime', `port ${port} on ${host} is already in use`, 'Stop the other process, or pick another port with --port (0 picks a free one)'));
      else if (error.code === 'EACCES') reject(new CliError('runtime', `not allowed to listen on ${host}:${port}`, 'Ports below 1024 need privileges; pick another with --port'));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new CliError('usage', `cannot listen on host ${host}: no such local address`));
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        port: address.port,
        url: `http://${shownHost}:${address.port}`,
        close: (deadlineMs?: number) =>
          new Promise<void>((done) => {
            // A stalled half-sent request would otherwise hold close() until the request timeout.
            const cutOff = deadlineMs === undefined ? undefined : setTimeout(() => server.closeAllConnections(), deadlineMs);
            server.close(() => {
              clearTimeout(cutOff);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
