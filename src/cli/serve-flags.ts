import { usageError } from '../core/errors.js';
import { normalizePublicUrl } from '../core/urls.js';
import { parseCidr, parseTunnelDomain } from '../tunnel/options.js';
import { flagValue } from './options.js';

/** The flags of `scimctl serve`, as commander hands them over. */
export interface ServeOptions {
  port: string;
  host: string;
  publicUrl?: string;
  quiet?: boolean;
  tunnel?: boolean;
  domain?: string;
  allowCidr?: string[];
  rotateToken?: boolean;
  shutdownTimeout?: string;
}

/** The flags checked and normalized. */
export interface ServeFlags {
  port: number;
  host: string;
  publicOverride: string | undefined;
  domain: string | undefined;
  allowCidrs: string[];
  tunnel: boolean;
  quiet: boolean;
  rotateToken: boolean;
  /** How long in-flight requests get after the first stop signal, before every connection is cut. */
  shutdownTimeoutMs: number;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`invalid --port "${value}": give a number from 0 to 65535`);
  return port;
}

export function parseShutdownTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds > 3600) throw usageError(`invalid --shutdown-timeout "${value}": give a number of seconds from 0 to 3600`);
  return Math.round(seconds * 1000);
}

/** Everything the flags alone can get wrong, found before anything listens. */
export function parseServeFlags(opts: ServeOptions): ServeFlags {
  const port = parsePort(opts.port);
  const publicOverride = opts.publicUrl ? flagValue('--public-url', opts.publicUrl, normalizePublicUrl) : undefined;
  const domain = opts.domain !== undefined ? parseTunnelDomain(opts.domain) : undefined;
  const allowCidrs = (opts.allowCidr ?? []).map(parseCidr);
  if (!opts.tunnel && (domain || allowCidrs.length)) throw usageError(`${domain ? '--domain' : '--allow-cidr'} needs --tunnel`);
  if (opts.tunnel && publicOverride) throw usageError('--public-url and --tunnel both set the public URL; pick one');
  return {
    port,
    host: opts.host,
    publicOverride,
    domain,
    allowCidrs,
    tunnel: opts.tunnel ?? false,
    quiet: opts.quiet ?? false,
    rotateToken: opts.rotateToken ?? false,
    shutdownTimeoutMs: parseShutdownTimeout(opts.shutdownTimeout ?? '5'),
  };
}
