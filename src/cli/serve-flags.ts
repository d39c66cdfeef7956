import { usageError } from '../core/errors.js';
import { normalizePublicUrl } from '../core/urls.js';
import { parseCidr, parseTunnelDomain } from '../tunnel/options.js';
import { isSigningSecret } from '../webhooks/signature.js';
import { flagValue, parseCount, parseSeconds, parseWebhookUrl } from './options.js';

/** The flags of `scimctl serve`, as commander hands them over. */
export interface ServeOptions {
  port: string;
  host: string;
  publicUrl?: string;
  quiet?: boolean;
  tunnel?: boolean;
  publicApi?: boolean;
  domain?: string;
  allowCidr?: string[];
  rotateToken?: boolean;
  shutdownTimeout?: string;
  logMaxRows?: string;
  logMaxSize?: string;
  eventMaxRows?: string;
  maxConnections?: string;
  env?: string[];
  directory?: string[];
  forwardTo?: string;
  signingSecret?: string;
  /** false with --no-inspector. */
  inspector?: boolean;
}

/** The flags checked and normalized. */
export interface ServeFlags {
  port: number;
  host: string;
  publicOverride: string | undefined;
  domain: string | undefined;
  allowCidrs: string[];
  tunnel: boolean;
  /** Serve the app API through the tunnel too. */
  publicApi: boolean;
  quiet: boolean;
  rotateToken: boolean;
  /** How long in-flight requests get after the first stop signal, before every connection is cut. */
  shutdownTimeoutMs: number;
  /** How much of the request log to keep. */
  logBudget: { maxRows: number; maxBytes: number };
  /** How many events the database keeps from now on (the oldest go first, never one a webhook URL still needs); unset: as it was. */
  eventMaxRows: number | undefined;
  /** Connections open at once on the local listener. */
  maxConnections: number;
  /** Forward events as signed webhooks to this URL (--forward-to). */
  forwardTo: string | undefined;
  /** The signing secret for every served environment (--signing-secret or SCIMCTL_WEBHOOK_SECRET); otherwise each environment's own. */
  signingSecret: string | undefined;
  /** Serve the web inspector on the local listener (--no-inspector turns it off). */
  inspector: boolean;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`invalid --port "${value}": give a number from 0 to 65535`);
  return port;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size such as `256MB` or `1GB` (units of 1,024), or bytes. */
export function parseSize(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b)?$/i.exec(value.trim());
  const bytes = match ? Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()]!) : NaN;
  if (!(bytes >= 1024 * 1024 && bytes <= 1024 ** 4)) throw usageError(`invalid ${flag} "${value}": give a size from 1MB to 1024GB, such as 256MB`);
  return bytes;
}

/** A Standard Webhooks secret: `whsec_` and base64 of at least 16 bytes. `source` names the flag or variable. */
export function parseSigningSecret(source: string, value: string): string {
  if (!isSigningSecret(value)) throw usageError(`invalid ${source}: give whsec_ followed by the base64 of at least 16 random bytes`, 'Make one with: echo whsec_$(openssl rand -base64 32)');
  return value;
}

/** Everything the flags alone can get wrong, found before anything listens. */
export function parseServeFlags(opts: ServeOptions, env: Record<string, string | undefined> = {}): ServeFlags {
  const port = parsePort(opts.port);
  const publicOverride = opts.publicUrl ? flagValue('--public-url', opts.publicUrl, normalizePublicUrl) : undefined;
  const domain = opts.domain !== undefined ? parseTunnelDomain(opts.domain) : undefined;
  const allowCidrs = (opts.allowCidr ?? []).map(parseCidr);
  if (!opts.tunnel && (domain || allowCidrs.length)) throw usageError(`${domain ? '--domain' : '--allow-cidr'} needs --tunnel`);
  if (opts.publicApi && !opts.tunnel) throw usageError('--public-api needs --tunnel (the local listener always serves the app API)');
  if (opts.tunnel && publicOverride) throw usageError('--public-url and --tunnel both set the public URL; pick one');
  const forwardTo = opts.forwardTo !== undefined ? parseWebhookUrl(opts.forwardTo, '--forward-to') : undefined;
  if (opts.signingSecret !== undefined && !forwardTo) throw usageError('--signing-secret needs --forward-to');
  // The variable is for CI and may be set for every command: it only matters with --forward-to.
  const fromEnv = forwardTo && opts.signingSecret === undefined && env.SCIMCTL_WEBHOOK_SECRET ? env.SCIMCTL_WEBHOOK_SECRET : undefined;
  const signingSecret =
    opts.signingSecret !== undefined ? parseSigningSecret('--signing-secret', opts.signingSecret) : fromEnv !== undefined ? parseSigningSecret('SCIMCTL_WEBHOOK_SECRET', fromEnv) : undefined;
  return {
    port,
    host: opts.host,
    publicOverride,
    domain,
    allowCidrs,
    tunnel: opts.tunnel ?? false,
    publicApi: opts.publicApi ?? false,
    quiet: opts.quiet ?? false,
    rotateToken: opts.rotateToken ?? false,
    shutdownTimeoutMs: Math.round(parseSeconds('--shutdown-timeout', opts.shutdownTimeout ?? '5', 3600) * 1000),
    logBudget: { maxRows: parseCount('--log-max-rows', opts.logMaxRows ?? '100000', 100, 100_000_000), maxBytes: parseSize('--log-max-size', opts.logMaxSize ?? '256MB') },
    eventMaxRows: opts.eventMaxRows === undefined ? undefined : parseCount('--event-max-rows', opts.eventMaxRows, 100, 100_000_000),
    maxConnections: parseCount('--max-connections', opts.maxConnections ?? '1000', 10, 100_000),
    forwardTo,
    signingSecret,
    inspector: opts.inspector ?? true,
  };
}
