import type { NextFunction, Request, Response } from 'express';
import type { Secret } from '../../core/tokens.js';

/** The host names the inspector answers to: a DNS-rebinding page's Host is its own name, never these. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The name in a Host header, without the port; undefined when it is malformed. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

function isLoopbackHost(host: string | undefined): boolean {
  const name = hostName(host);
  return name !== undefined && LOOPBACK.has(name);
}

/** A peer address on this machine's loopback (IPv4 127/8, IPv6 ::1, or IPv4 mapped into IPv6). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * 403 unless the connection comes from this machine and the Host header names its loopback: the
 * inspector is for the person at this machine. The Host check stops a DNS-rebinding page in a local
 * browser; the peer check stops another machine when serve listens on every interface (--host 0.0.0.0),
 * which could otherwise send any Host it likes.
 */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLoopbackPeer(req.socket.remoteAddress) && isLoopbackHost(req.headers.host)) return next();
  res.status(403).json({ error: 'forbidden', message: 'the inspector answers only on a loopback address (http://127.0.0.1:<port>/ or http://localhost:<port>/)' });
}

/**
 * A state-changing request (replay) must come from the inspector's own page: the page's secret in
 * a header (another origin cannot read the page, so cannot know it) and an Origin that is exactly
 * this page's origin (http://<the loopback Host>).
 */
export function sameOriginWithSecret(secret: Secret) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (origin === undefined || origin !== `http://${host}`) {
      res.status(403).json({ error: 'forbidden', message: 'cross-origin request refused: replay only from the inspector page itself' });
      return;
    }
    const presented = req.headers['x-inspector-secret'];
    if (!secret.matches(typeof presented === 'string' ? presented : undefined)) {
      res.status(403).json({ error: 'forbidden', message: 'missing or wrong inspector secret: reload the inspector page' });
      return;
    }
    next();
  };
}
