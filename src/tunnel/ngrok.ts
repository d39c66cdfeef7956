import type { RequestListener } from 'node:http';
import type { Session } from '@ngrok/ngrok';
import type { Listening } from '../server/listen.js';
import { VERSION } from '../core/version.js';
import { connectTimeout, missingAuthtoken, ngrokFailure, redact } from './ngrok-errors.js';
import { servePublicSide } from './public-side.js';
import { StatusEmitter, type Tunnel, type TunnelOpenOptions, type TunnelStatusEvent } from './tunnel.js';

/**
 * Measured with @ngrok/ngrok 1.7.0: with no DNS the session fails at once ("failed to establish tcp
 * connection"), but a peer that accepts TCP and never answers (captive portal, broken proxy) makes
 * connect() wait forever. So scimctl gives up after this long.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 5_000;

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

class Timeout extends Error {}

/**
 * The real tunnel: an in-process ngrok session (no agent binary) whose HTTPS endpoint forwards to a
 * loopback listener serving only the handler it is given. The library loads only here, on first open.
 */
export class NgrokTunnel implements Tunnel {
  readonly provider = 'ngrok';
  readonly needsAuthtoken = true;
  private readonly status = new StatusEmitter();
  private state: State = 'idle';
  private publicSide: Listening | undefined;
  private session: Session | undefined;
  private url: string | undefined;

  /**
   * `SCIMCTL_NGROK_SERVER_ADDR` and `SCIMCTL_NGROK_CONNECT_TIMEOUT_MS` exist for the test suite (a
   * silent fake ingress proves the timeout) and for diagnosing a custom ngrok ingress; not documented
   * for users.
   */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  onStatus(listener: (event: TunnelStatusEvent) => void): () => void {
    return this.status.on(listener);
  }

  async open(handler: RequestListener, options: TunnelOpenOptions): Promise<{ url: string }> {
    // The library does no local check: without a token it would dial out and fail remotely.
    const authtoken = options.authtoken?.trim();
    if (!authtoken) throw missingAuthtoken();
    this.state = 'connecting';
    this.publicSide = await servePublicSide(handler);
    const timeoutMs = Number(this.env.SCIMCTL_NGROK_CONNECT_TIMEOUT_MS) || options.connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS;
    try {
      this.url = await withTimeout(this.connect(authtoken, options, this.publicSide.url), timeoutMs);
      this.state = 'connected';
      return { url: this.url };
    } catch (error) {
      await this.close();
      if (error instanceof Timeout) throw connectTimeout(timeoutMs);
      throw ngrokFailure(error, { authtoken, authtokenSource: options.authtokenSource, domain: options.domain });
    }
  }

  private async connect(authtoken: string, options: TunnelOpenOptions, target: string): Promise<string> {
    const ngrok = (await import('@ngrok/ngrok')).default;
    const builder = new ngrok.SessionBuilder()
      .authtoken(authtoken)
      .clientInfo('scimctl', VERSION)
      // Called before each reconnect attempt after the session broke; true = keep trying.
      .handleDisconnection((_addr, error) => {
        this.lost(redact(error, authtoken));
        return true;
      })
      // The library has no "reconnected" callback; the first heartbeat after a loss is the proof.
      .handleHeartbeat(() => this.alive())
      .handleStopCommand(() => void this.stoppedRemotely());
    if (this.env.SCIMCTL_NGROK_SERVER_ADDR) builder.serverAddr(this.env.SCIMCTL_NGROK_SERVER_ADDR);
    const session = await builder.connect();
    if (this.state === 'closed') {
      // open() already gave up (timeout or Ctrl-C): don't leave a late session behind.
      await session.close().catch(() => undefined);
      throw new Error('cancelled');
    }
    this.session = session;
    const endpoint = session.httpEndpoint().forwardsTo('scimctl serve (SCIM routes only)');
    if (options.domain) endpoint.domain(options.domain);
    for (const cidr of options.allowCidrs ?? []) endpoint.allowCidr(cidr);
    const listener = await endpoint.listenAndForward(target);
    const url = listener.url();
    if (!url) throw new Error('ngrok returned no URL for the endpoint');
    return url.replace(/\/+$/, '');
  }

  private lost(message: string): void {
    if (this.state !== 'connected') return;
    this.state = 'reconnecting';
    this.status.emit({ status: 'reconnecting', message: message || 'connection to ngrok lost' });
  }

  private alive(): void {
    if (this.state !== 'reconnecting') return;
    this.state = 'connected';
    this.status.emit({ status: 'connected', message: 'reconnected', url: this.url });
  }

  private async stoppedRemotely(): Promise<void> {
    if (this.state === 'closed') return;
    await this.close();
    this.status.emit({ status: 'closed', message: 'stopped from the ngrok dashboard or API' });
  }

  async close(): Promise<void> {
    if (this.state === 'closed' && !this.publicSide) return;
    this.state = 'closed';
    const session = this.session;
    this.session = undefined;
    // Closing needs the network; never let a dead link hold up shutdown.
    if (session) await withTimeout(session.close(), CLOSE_TIMEOUT_MS).catch(() => undefined);
    const side = this.publicSide;
    this.publicSide = undefined;
    await side?.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout is expected, not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
