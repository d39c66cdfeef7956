import { CliError, usageError } from '../core/errors.js';
import { USAGE_HINT } from './options.js';
import { createApp, type AppOptions } from '../server/app.js';
import { listen, type Listening } from '../server/listen.js';
import { baseUrlFor } from '../core/urls.js';
import type { LogEntry, Store } from '../store/index.js';
import { defaultDirectory } from './serve-default.js';
import { missingAuthtoken } from '../tunnel/ngrok-errors.js';
import { createTunnel } from '../tunnel/select.js';
import type { Tunnel, TunnelStatusEvent } from '../tunnel/tunnel.js';
import { resolveAuthtoken } from './config.js';
import type { Context } from './context.js';
import type { CliIo } from './io.js';
import { parseServeFlags, type ServeFlags, type ServeOptions } from './serve-flags.js';
import { deliveryLine, printReady, requestLine, type ForwardInfo, type ServedDirectory } from './serve-ready.js';
import { resolveScope, servedDirectories, type ServeScope } from './serve-scope.js';
import { Forwarder, type ForwardTiming } from '../webhooks/forwarder.js';

export interface ServeDeps {
  /** Resolves when serve should stop; by default the first stop request from io (SIGINT or SIGTERM). */
  stop?: Promise<unknown>;
  /** The tunnel to use with --tunnel; by default ngrok (or the SCIMCTL_TUNNEL=local test fake). */
  tunnel?: Tunnel;
  /** With --forward-to: retry, poll and timeout settings (tests use milliseconds). */
  forwardTiming?: Partial<ForwardTiming>;
}

type Authtoken = ReturnType<typeof resolveAuthtoken>;

/** What start() leaves running, for the ready output and for shutdown(). */
interface Serving {
  store: Store;
  server: Listening;
  tunnel: Tunnel | undefined;
  /** The public URL at start: the tunnel's, or --public-url. */
  publicUrl: string | undefined;
  unsubscribe: (() => void) | undefined;
  /** With --forward-to; started by announce(), once the served directories are known. */
  forwarder: Forwarder | undefined;
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
  const flags = parseServeFlags(opts, ctx.io.env);
  // A mistyped --env or --directory fails before anything listens.
  const scope = resolveScope(ctx, opts.env ?? [], opts.directory ?? []);
  const tunnel = flags.tunnel ? (deps.tunnel ?? createTunnel(ctx.io.env)) : undefined;
  const auth = tunnel?.needsAuthtoken ? resolveAuthtoken(ctx.io.env, (m) => ctx.notice(m)) : undefined;
  if (tunnel?.needsAuthtoken && !auth) throw missingAuthtoken();

  const signal = deps.stop ? undefined : stopSignal(ctx.io);
  const stop = deps.stop ?? signal!.promise;
  try {
    const serving = await start(ctx, flags, scope, tunnel, auth, stop, deps.forwardTiming);
    try {
      await announce(ctx, flags, scope, serving);
      await stop;
      if (!ctx.json) ctx.notice(`Shutting down: finishing in-flight requests (up to ${flags.shutdownTimeoutMs / 1000} s; Ctrl-C again to stop at once)…`);
    } finally {
      await shutdown(ctx, serving, flags.shutdownTimeoutMs);
    }
  } finally {
    signal?.dispose();
  }
}

/** Listen locally, open the tunnel if asked, and record the running server for other commands. */
async function start(
  ctx: Context,
  flags: ServeFlags,
  scope: ServeScope,
  tunnel: Tunnel | undefined,
  auth: Authtoken,
  stop: Promise<unknown>,
  forwardTiming: Partial<ForwardTiming> = {},
): Promise<Serving> {
  const store = ctx.store;
  store.useServingCache();
  if (flags.eventMaxRows !== undefined) store.events.keep(flags.eventMaxRows);
  // Read by the public app on every request, and changed when ngrok reconnects elsewhere.
  const urls: { tunnel: string | undefined } = { tunnel: undefined };
  const printLines = !ctx.json && !flags.quiet;
  const forwarder = flags.forwardTo ? newForwarder(ctx, flags.forwardTo, scope, printLines, forwardTiming) : undefined;
  // A write request has written its events by the time it is logged: the forwarder looks at once.
  const onRequest = (entry: LogEntry) => {
    if (forwarder && entry.method !== 'GET') forwarder.poke();
    if (printLines) ctx.notice(requestLine(ctx, entry));
  };
  const common: Omit<AppOptions, 'publicUrl'> = {
    store,
    logBudget: flags.logBudget,
    onRequest: printLines || forwarder ? onRequest : undefined,
    onInternalError: ctx.internalError,
    ...(scope ? { serves: (id: string) => scope.has(id) } : {}),
  };
  const server = await listenLocally(flags, common);
  // From the first request on, a held lock must not stall the event loop: the server retries SCIM
  // writes on timers and the request log keeps its rows until the lock is free. serve's own
  // bookkeeping below still waits for the lock (store.waitingOnLock).
  store.failFastOnLock();

  if (tunnel) urls.tunnel = await openPublicTunnel(ctx, flags, tunnel, auth, server, stop, common, urls);
  const publicUrl = urls.tunnel ?? flags.publicOverride;
  store.waitingOnLock(() => store.servers.register({ pid: process.pid, localUrl: server.url, publicUrl: publicUrl ?? null }));
  const unsubscribe = tunnel?.onStatus(tunnelStatus(ctx, store, server, urls));
  return { store, server, tunnel, publicUrl, unsubscribe, forwarder };
}

/** With --forward-to: the forwarder of the served directories' events (started later, by announce()). */
function newForwarder(ctx: Context, url: string, scope: ServeScope, printLines: boolean, forwardTiming: Partial<ForwardTiming>): Forwarder {
  return new Forwarder({
    ...forwardTiming,
    store: ctx.store,
    url,
    directoryIds: scope ? [...scope] : undefined,
    // A failed delivery is printed even with --quiet or --json: a dead endpoint must not go unnoticed.
    onAttempt: (attempt) => (printLines || !attempt.delivery.ok ? ctx.notice(deliveryLine(ctx, attempt)) : undefined),
    onError: (error) => ctx.notice(ctx.errColor.yellow(`webhooks: ${error instanceof Error ? error.message : String(error)}`)),
  });
}

/** The local app (with the inspector) on --host and --port. */
function listenLocally(flags: ServeFlags, common: Omit<AppOptions, 'publicUrl'>): Promise<Listening> {
  // On loopback, meta.location follows the request's Host unless --public-url says otherwise.
  return listen(createApp({ ...common, inspector: flags.inspector, publicUrl: () => flags.publicOverride }), flags.port, flags.host, { maxConnections: flags.maxConnections }).catch((error: unknown) => {
    // Only listening can tell a bad --host; say it in the words of every other bad flag value.
    if (error instanceof CliError && error.kind === 'usage') throw usageError(`invalid --host "${flags.host}": no such local address`, USAGE_HINT);
    throw error;
  });
}

/** Opens the tunnel to the public app, or closes the local server if it cannot; resolves to the tunnel's URL. */
function openPublicTunnel(
  ctx: Context,
  flags: ServeFlags,
  tunnel: Tunnel,
  auth: Authtoken,
  server: Listening,
  stop: Promise<unknown>,
  common: Omit<AppOptions, 'publicUrl'>,
  urls: { tunnel: string | undefined },
): Promise<string> {
  if (!ctx.json) ctx.notice(ctx.errColor.dim(`Opening the ${tunnel.provider} tunnel${auth ? ` (authtoken from ${auth.source})` : ''}…`));
  // The public app has the SCIM routes only (and the app API with --public-api): /healthz, the
  // inspector and any other local route answer 404 there.
  const publicApp = createApp({ ...common, localRoutes: false, appApi: flags.publicApi, publicUrl: () => urls.tunnel });
  return openOrStop(tunnel, server, stop, () =>
    tunnel.open(publicApp, { authtoken: auth?.token, authtokenSource: auth?.source, domain: flags.domain, allowCidrs: flags.allowCidrs }),
  );
}

/** Prints what a dropped, restored or closed tunnel means, and keeps the recorded public URL current. */
function tunnelStatus(ctx: Context, store: Store, server: Listening, urls: { tunnel: string | undefined }) {
  // Only bookkeeping, for other commands' base URLs: failing to record it (the database locked by
  // another process) must not throw out of a tunnel event and take the server down.
  const recordPublicUrl = (url: string | null) => {
    try {
      store.servers.setPublicUrl(process.pid, url);
    } catch (error) {
      ctx.notice(ctx.errColor.yellow(`could not record the tunnel URL for other scimctl commands: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  return (event: TunnelStatusEvent) => {
    const c = ctx.errColor;
    if (event.status === 'reconnecting') {
      ctx.notice(c.yellow(`tunnel: connection to ngrok lost (${event.message}); reconnecting… The local server keeps running on ${server.url}.`));
    } else if (event.status === 'connected') {
      if (event.url && event.url !== urls.tunnel) recordPublicUrl((urls.tunnel = event.url));
      ctx.notice(c.green(`tunnel: reconnected; public URL ${urls.tunnel}`));
    } else {
      recordPublicUrl(null);
      ctx.notice(c.red(`tunnel: closed (${event.message}). The local server keeps running on ${server.url}; restart \`scimctl serve --tunnel\` for a public URL.`));
    }
  };
}

/** Make the default directory or rotated tokens (only now that serving works), then print the ready output. */
async function announce(ctx: Context, flags: ServeFlags, scope: ServeScope, serving: Serving): Promise<void> {
  const { store, server, tunnel, publicUrl } = serving;
  const { port, domain, allowCidrs } = flags;
  // serve's own start-up writes wait for another process's lock, as any command's do.
  store.waitOnLock();
  const created = await defaultDirectory(ctx, flags.publicOverride ?? (domain ? `https://${domain}` : `http://localhost:${port === 0 ? 8080 : port}`));
  const origin = publicUrl ?? server.url;
  const directories: ServedDirectory[] = [];
  const all = store.directories.list();
  const served = servedDirectories(all, scope);
  for (const d of served) {
    const token = created?.directory.id === d.id ? created.token : flags.rotateToken ? store.directories.rotateToken(d.id).token : undefined;
    directories.push({ id: d.id, name: d.name, organizationId: d.organizationId, baseUrl: baseUrlFor(origin, d.id), ...(token ? { token } : {}) });
  }
  const forwardTo = serving.forwarder ? startForwarding(store, serving.forwarder, flags.signingSecret, served) : null;
  const ready = { localUrl: server.url, inspectorUrl: flags.inspector ? inspectorUrlOf(server) : null, publicUrl: publicUrl ?? null, publicApi: flags.publicApi, tunnel, domain, allowCidrs, directories, createdId: created?.directory.id, outOf: scope ? all.length : undefined, forwardTo };
  printReady(ctx, ready);
  store.failFastOnLock();
}

/**
 * Where the inspector answers: it takes only a loopback Host, so a listener on every address is
 * shown at 127.0.0.1; a listener on one other address has no loopback URL (null).
 */
function inspectorUrlOf(server: Listening): string | null {
  const host = new URL(server.url).hostname;
  if (host === '127.0.0.1' || host === '[::1]' || host === 'localhost') return `${server.url}/`;
  if (host === '0.0.0.0' || host === '[::]') return `http://127.0.0.1:${server.port}/`;
  return null;
}

/**
 * The secret of every served environment (stored, so `events resend` and the next serve sign the
 * same way), then the forwarder. With --signing-secret every served environment gets that one.
 */
function startForwarding(store: Store, forwarder: Forwarder, secret: string | undefined, served: { environmentId: string }[]): ForwardInfo {
  const secrets: Record<string, string> = {};
  for (const environmentId of new Set(served.map((d) => d.environmentId))) {
    secrets[environmentId] = secret ? store.webhooks.setSigningSecret(environmentId, secret) : store.webhooks.signingSecret(environmentId);
  }
  forwarder.start();
  return { url: forwarder.url, secrets };
}

/** Tunnel, then the local server and the forwarder together (both get the deadline); the database is closed by action(). */
async function shutdown(ctx: Context, serving: Serving, deadlineMs: number): Promise<void> {
  const { store, server, tunnel } = serving;
  // The last bookkeeping writes may wait for another process's lock again: nothing is left to stall.
  store.waitOnLock();
  serving.unsubscribe?.();
  if (tunnel) {
    await tunnel.close();
    store.servers.setPublicUrl(process.pid, null);
    if (!ctx.json) ctx.notice('Tunnel closed.');
  }
  await Promise.all([server.close(deadlineMs), serving.forwarder?.stop(deadlineMs)]);
  store.servers.unregister(process.pid);
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

function stopSignal(io: CliIo): { promise: Promise<void>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<void>((resolve) => {
    dispose = io.onStop(resolve);
  });
  return { promise, dispose };
}
