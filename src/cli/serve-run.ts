import { CliError, usageError } from '../core/errors.js';
import { normalizePublicUrl } from '../core/urls.js';
import { createApp, type AppOptions } from '../server/app.js';
import { listen, type Listening } from '../server/listen.js';
import { baseUrlFor } from '../core/urls.js';
import { ensureDefaultDirectory, type LogEntry } from '../store/index.js';
import { missingAuthtoken } from '../tunnel/ngrok-errors.js';
import { parseCidr, parseTunnelDomain } from '../tunnel/options.js';
import { createTunnel } from '../tunnel/select.js';
import type { Tunnel } from '../tunnel/tunnel.js';
import { resolveAuthtoken } from './config.js';
import type { Context } from './context.js';
import type { ServeOptions } from './serve.js';
import { entraSteps, tokenSource, unreservedUrlWarning } from '../tunnel/instructions.js';
import { renderTable } from './table.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`invalid --port "${value}": give a number from 0 to 65535`);
  return port;
}

export interface ServeDeps {
  /** Resolves when serve should stop; by default the first SIGINT or SIGTERM. */
  stop?: Promise<unknown>;
  /** The tunnel to use with --tunnel; by default ngrok (or the SCIMCTL_TUNNEL=local test fake). */
  tunnel?: Tunnel;
  env?: NodeJS.ProcessEnv;
}

/**
 * Start-up order matters: everything that can be checked locally (flags, authtoken) is checked before
 * anything listens; the tunnel opens before anything is written to the database (a default directory
 * or rotated tokens made before a failure would be tokens nobody saw). If the tunnel cannot be opened, serve fails
 * as a whole: the local server is closed and the command exits non-zero. Once up, a dropped tunnel
 * only prints its status: the local server keeps running while ngrok reconnects.
 * Shutdown: tunnel, then local server, then (in action()) the database.
 */
export async function runServe(ctx: Context, opts: ServeOptions, deps: ServeDeps = {}): Promise<void> {
  const port = parsePort(opts.port);
  const env = deps.env ?? process.env;
  const publicOverride = opts.publicUrl ? normalizePublicUrl(opts.publicUrl) : undefined;
  const domain = opts.domain !== undefined ? parseTunnelDomain(opts.domain) : undefined;
  const allowCidrs = (opts.allowCidr ?? []).map(parseCidr);
  if (!opts.tunnel && (domain || allowCidrs.length)) throw usageError(`${domain ? '--domain' : '--allow-cidr'} needs --tunnel`);
  if (opts.tunnel && publicOverride) throw usageError('--public-url and --tunnel both set the public URL; pick one');
  const tunnel = opts.tunnel ? (deps.tunnel ?? createTunnel(env)) : undefined;
  const auth = tunnel?.needsAuthtoken ? resolveAuthtoken(env, (m) => ctx.notice(m)) : undefined;
  if (tunnel?.needsAuthtoken && !auth) throw missingAuthtoken();

  const signal = deps.stop ? undefined : stopSignal();
  const stop = deps.stop ?? signal!.promise;
  try {
    const store = ctx.store;
    store.useServingCache();
    let tunnelUrl: string | undefined;
    const common: Omit<AppOptions, 'publicUrl'> = {
      store,
      onRequest: ctx.json || opts.quiet ? undefined : (entry) => ctx.notice(requestLine(ctx, entry)),
      onInternalError: (error) => ctx.notice(`internal error: ${error instanceof Error ? (ctx.debug ? error.stack : error.message) : String(error)}`),
    };
    // On loopback, meta.location follows the request's Host unless --public-url says otherwise.
    const server = await listen(createApp({ ...common, publicUrl: () => publicOverride }), port, opts.host);

    if (tunnel) {
      if (!ctx.json) ctx.notice(ctx.errColor.dim(`Opening the ${tunnel.provider} tunnel…`));
      // The public app has the SCIM routes only: /healthz and any other local route answer 404 there.
      const publicApp = createApp({ ...common, localRoutes: false, publicUrl: () => tunnelUrl });
      tunnelUrl = await openOrStop(tunnel, server, stop, () =>
        tunnel.open(publicApp, { authtoken: auth?.token, authtokenSource: auth?.source, domain, allowCidrs }),
      );
    }
    const publicUrl = tunnelUrl ?? publicOverride;
    store.servers.register({ pid: process.pid, localUrl: server.url, publicUrl: publicUrl ?? null });
    // Only bookkeeping, for other commands' base URLs: failing to record it (the database locked by
    // another process) must not throw out of a tunnel event and take the server down.
    const recordPublicUrl = (url: string | null) => {
      try {
        store.servers.setPublicUrl(process.pid, url);
      } catch (error) {
        ctx.notice(ctx.errColor.yellow(`could not record the tunnel URL for other scimctl commands: ${error instanceof Error ? error.message : String(error)}`));
      }
    };
    const unsubscribe = tunnel?.onStatus((event) => {
      const c = ctx.errColor;
      if (event.status === 'reconnecting') {
        ctx.notice(c.yellow(`tunnel: connection to ngrok lost (${event.message}); reconnecting… The local server keeps running on ${server.url}.`));
      } else if (event.status === 'connected') {
        if (event.url && event.url !== tunnelUrl) recordPublicUrl((tunnelUrl = event.url));
        ctx.notice(c.green(`tunnel: reconnected; public URL ${tunnelUrl}`));
      } else {
        recordPublicUrl(null);
        ctx.notice(c.red(`tunnel: closed (${event.message}). The local server keeps running on ${server.url}; restart \`scimctl serve --tunnel\` for a public URL.`));
      }
    });

    try {
      const created = ensureDefaultDirectory(store, publicOverride ?? (domain ? `https://${domain}` : `http://localhost:${port === 0 ? 8080 : port}`));
      const origin = publicUrl ?? server.url;
      const directories: ServedDirectory[] = [];
      for (const d of store.directories.list()) {
        const token = created?.directory.id === d.id ? created.token : opts.rotateToken ? store.directories.rotateToken(d.id).token : undefined;
        directories.push({ id: d.id, name: d.name, organizationId: d.organizationId, baseUrl: baseUrlFor(origin, d.id), ...(token ? { token } : {}) });
      }
      const ready = { localUrl: server.url, publicUrl: publicUrl ?? null, tunnel, domain, allowCidrs, directories, createdId: created?.directory.id };
      ctx.io.stdout.write((ctx.json ? JSON.stringify(readyJson(ready)) : readyText(ctx, ready)) + '\n');
      // Start-up writes are done: from here on a held lock must not stall the event loop (the server
      // retries SCIM requests on timers; the request log keeps its rows until the lock is free).
      store.failFastOnLock();

      await stop;
      if (!ctx.json) ctx.notice('Shutting down: finishing in-flight requests…');
    } finally {
      // The last bookkeeping writes may wait for another process's lock again: nothing is left to stall.
      store.waitOnLock();
      unsubscribe?.();
      if (tunnel) {
        await tunnel.close();
        store.servers.setPublicUrl(process.pid, null);
        if (!ctx.json) ctx.notice('Tunnel closed.');
      }
      await server.close();
      store.servers.unregister(process.pid);
    }
  } finally {
    signal?.dispose();
  }
}

/** Open the tunnel, unless a stop signal comes first; on failure nothing is left listening. */
async function openOrStop(tunnel: Tunnel, server: Listening, stop: Promise<unknown>, open: () => Promise<{ url: string }>): Promise<string> {
  const opening = open();
  opening.catch(() => undefined); // it may still reject after a stop; that is expected
  try {
    const first = await Promise.race([opening, stop.then(() => undefined)]);
    if (first) return first.url;
    await tunnel.close();
    throw new CliError('cancelled', `stopped while opening the ${tunnel.provider} tunnel; nothing is left running`);
  } catch (error) {
    await server.close();
    throw error;
  }
}

interface ServedDirectory {
  id: string;
  name: string | null;
  organizationId: string;
  baseUrl: string;
  /** Only when serve made it: a created default directory, or --rotate-token. */
  token?: string;
}

interface Ready {
  localUrl: string;
  publicUrl: string | null;
  tunnel: Tunnel | undefined;
  domain: string | undefined;
  allowCidrs: string[];
  directories: ServedDirectory[];
  createdId: string | undefined;
}

/** The --json ready line (one line, stable shape; documented in the README). */
function readyJson(r: Ready) {
  const tunnel = r.tunnel ? { provider: r.tunnel.provider, domain: r.domain ?? null, allowCidrs: r.allowCidrs } : null;
  return { url: r.localUrl, publicUrl: r.publicUrl, tunnel, directories: r.directories };
}

function readyText(ctx: Context, r: Ready): string {
  const c = ctx.color;
  const lines = [`${c.green('scimctl is serving SCIM 2.0')} on ${r.localUrl}${r.publicUrl && !r.tunnel ? ` (public URL ${r.publicUrl})` : ''}`];
  if (r.tunnel) {
    lines.push(`${c.bold('Public URL:')} ${r.publicUrl} ${c.dim(`(${r.tunnel.provider}; only the SCIM routes are reachable there)`)}`);
    if (r.allowCidrs.length) lines.push(c.dim(`Public traffic accepted only from ${r.allowCidrs.join(', ')}`));
  }
  if (r.createdId) lines.push('', `Created a default directory ${r.createdId}.`);
  lines.push('', renderTable(['DIRECTORY', 'NAME', r.tunnel ? 'TENANT URL' : 'BASE URL'], r.directories.map((d) => [c.cyan(d.id), d.name ?? '', d.baseUrl])));
  const withTokens = r.directories.filter((d) => d.token);
  if (withTokens.length) {
    for (const d of withTokens) lines.push('', c.cyan(d.id), `${c.bold('Tenant URL:  ')} ${d.baseUrl}`, `${c.bold('Secret token:')} ${d.token}`);
    lines.push('', c.yellow(withTokens.length === 1 ? 'This token is shown only this once; scimctl stores just its hash.' : 'These tokens are shown only this once; scimctl stores just their hashes.'));
    lines.push(c.dim('Lost one? `scimctl token rotate <directory>` makes a new one (the old one stops working).'));
  } else if (r.tunnel) {
    lines.push('', ...tokenSource(c));
  } else {
    lines.push('', c.dim('Tokens are shown only when made; `scimctl token rotate <directory>` prints a new one.'));
  }
  if (r.tunnel) {
    lines.push('', ...entraSteps(c));
    if (r.tunnel.provider === 'ngrok' && !r.domain) lines.push('', unreservedUrlWarning(c));
  }
  lines.push('', c.dim('Requests are logged: `scimctl log list --follow`. Press Ctrl-C to stop.'));
  return lines.join('\n');
}

function stopSignal(): { promise: Promise<void>; dispose: () => void } {
  let stop = () => {};
  const promise = new Promise<void>((resolve) => {
    stop = () => resolve();
  });
  const handler = () => {
    dispose();
    stop();
  };
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { promise, dispose };
}

function requestLine(ctx: Context, entry: LogEntry): string {
  const c = ctx.errColor;
  const status = entry.status >= 500 ? c.red(entry.status) : entry.status >= 400 ? c.yellow(entry.status) : c.green(entry.status);
  const query = entry.query ? c.dim('?' + entry.query) : '';
  return `${c.dim(entry.time)} ${entry.method.padEnd(6)} ${entry.path}${query} ${status} ${c.dim(entry.durationMs.toFixed(1) + 'ms')}${entry.errorKind ? ' ' + c.yellow(entry.errorKind) : ''}`;
}
