import type { RequestListener } from 'node:http';

/**
 * A public entry point for the SCIM routes. Adapters: ngrok (the real thing) and a loopback fake
 * for offline tests. Both serve the given handler on a second loopback listener of their own, so
 * the app a tunnel exposes never shares a listener with local-only routes.
 */
export interface Tunnel {
  readonly provider: 'ngrok' | 'local';
  /** Whether open() needs an authtoken; the CLI checks for it before it starts anything. */
  readonly needsAuthtoken: boolean;
  /** Serve `handler` publicly; resolves with the public origin (no trailing slash). */
  open(handler: RequestListener, options: TunnelOpenOptions): Promise<{ url: string }>;
  /** Close the public side (tunnel, then its listener). Safe to call twice or after a failed open. */
  close(): Promise<void>;
  /** Changes after open() resolved; returns an unsubscribe function. */
  onStatus(listener: (event: TunnelStatusEvent) => void): () => void;
}

export interface TunnelOpenOptions {
  authtoken?: string | undefined;
  /** Where the authtoken came from, for error messages (never the token itself). */
  authtokenSource?: string | undefined;
  /** A domain reserved in the ngrok account: a public URL that survives restarts. */
  domain?: string | undefined;
  /** Only these source ranges reach the public URL. */
  allowCidrs?: readonly string[] | undefined;
  /** Give up connecting after this long (the ngrok library itself never gives up on a silent peer). */
  connectTimeoutMs?: number | undefined;
}

export type TunnelStatus = 'reconnecting' | 'connected' | 'closed';

export interface TunnelStatusEvent {
  status: TunnelStatus;
  /** One line for people, e.g. the network error behind a reconnect. Never holds the authtoken. */
  message: string;
  /** The public URL after a (re)connect. */
  url?: string | undefined;
}

/** The few lines of listener bookkeeping both adapters share. */
export class StatusEmitter {
  private readonly listeners = new Set<(event: TunnelStatusEvent) => void>();

  on(listener: (event: TunnelStatusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(event: TunnelStatusEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
