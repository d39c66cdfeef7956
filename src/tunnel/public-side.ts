import type { RequestListener } from 'node:http';
import { listen, type Listening } from '../server/listen.js';

/**
 * The public side of a tunnel: its own loopback listener serving exactly the handler the tunnel was
 * given (the SCIM-only app). ngrok forwards to it; the local fake hands out its URL directly, so tests
 * go through the very same listener and app as real tunnel traffic.
 */
export function servePublicSide(handler: RequestListener): Promise<Listening> {
  return listen(handler, 0, '127.0.0.1');
}
