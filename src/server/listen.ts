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

/** Listen on host:port; a port in use is a clear error, never a false "listening". */
export function listen(handler: RequestListener, port: number, host: string): Promise<Listening> {
  const server = createServer({ keepAliveTimeout: 5000 }, handler);
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
