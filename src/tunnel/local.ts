import type { RequestListener } from 'node:http';
import type { Listening } from '../server/listen.js';
import { servePublicSide } from './public-side.js';
import { StatusEmitter, type Tunnel, type TunnelStatusEvent } from './tunnel.js';

/**
 * TEST-ONLY stand-in for ngrok, chosen only by SCIMCTL_TUNNEL=local (see ./select.ts). It takes the
 * same public-side path as the ngrok adapter (a second loopback listener serving only the handler it
 * is given) and reports that listener's http://127.0.0.1:<port> as the "public URL". It needs no
 * authtoken and no network, so e2e tests can run `scimctl serve --tunnel` offline.
 */
export class LocalTunnel implements Tunnel {
  readonly provider = 'local';
  readonly needsAuthtoken = false;
  private readonly status = new StatusEmitter();
  private publicSide: Listening | undefined;

  async open(handler: RequestListener): Promise<{ url: string }> {
    this.publicSide = await servePublicSide(handler);
    return { url: this.publicSide.url };
  }

  async close(): Promise<void> {
    const side = this.publicSide;
    this.publicSide = undefined;
    await side?.close();
  }

  onStatus(listener: (event: TunnelStatusEvent) => void): () => void {
    return this.status.on(listener);
  }

  /** Tests: play a status change (a dropped or restored connection) as ngrok would report it. */
  simulate(event: TunnelStatusEvent): void {
    this.status.emit(event);
  }
}
