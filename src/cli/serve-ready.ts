import type { LogEntry } from '../store/index.js';
import type { ForwardAttempt } from '../webhooks/forwarder.js';
import type { Tunnel } from '../tunnel/tunnel.js';
import { entraSteps, tokenSource, unreservedUrlWarning } from '../tunnel/instructions.js';
import type { Context } from './context.js';
import { renderTable } from './table.js';
import { escapeControls } from './text.js';

export interface ServedDirectory {
  id: string;
  name: string | null;
  organizationId: string;
  baseUrl: string;
  /** Only when serve made it: a created default directory, or --rotate-token. */
  token?: string;
}

export interface Ready {
  localUrl: string;
  /** The web inspector's URL; null with --no-inspector, or when listening on no loopback address. */
  inspectorUrl: string | null;
  publicUrl: string | null;
  /** The app API is served on the public URL too (--public-api). */
  publicApi: boolean;
  tunnel: Tunnel | undefined;
  domain: string | undefined;
  allowCidrs: string[];
  directories: ServedDirectory[];
  createdId: string | undefined;
  /** How many directories the database has, when --env/--directory serve fewer. */
  outOf?: number | undefined;
  /** serve --forward-to: where events go, and each served environment's signing secret. */
  forwardTo: ForwardInfo | null;
}

export interface ForwardInfo {
  url: string;
  /** By environment id, in the order of the served directories. */
  secrets: Record<string, string>;
}

/**
 * The ready output: one JSON line with --json (stable shape; documented in the README). Else the
 * data (the directories' base URLs and any new tokens) on stdout and everything around it on stderr,
 * so `scimctl serve > urls.txt` keeps just the data.
 */
export function printReady(ctx: Context, ready: Ready): void {
  if (ctx.json) {
    ctx.io.stdout.write(JSON.stringify(ctx.keepFields(readyJson(ready))) + '\n');
    return;
  }
  const out = (lines: string[]) => ctx.io.stdout.write(ctx.withDb(lines.join('\n')) + '\n');
  ctx.notice(banner(ctx, ready).join('\n'));
  out(['', renderTable(['DIRECTORY', 'NAME', ready.tunnel ? 'TENANT URL' : 'BASE URL'], ready.directories.map((d) => [ctx.color.cyan(d.id), d.name ?? '', d.baseUrl]))]);
  const withTokens = ready.directories.filter((d) => d.token);
  for (const d of withTokens) out(['', ctx.color.cyan(d.id), `${ctx.color.bold('Tenant URL:  ')} ${d.baseUrl}`, `${ctx.color.bold('Secret token:')} ${d.token}`]);
  ctx.notice(hints(ctx, ready, withTokens.length).join('\n'));
}

/** The --json ready line. */
function readyJson(r: Ready) {
  const tunnel = r.tunnel ? { provider: r.tunnel.provider, domain: r.domain ?? null, allowCidrs: r.allowCidrs } : null;
  return { url: r.localUrl, inspectorUrl: r.inspectorUrl, publicUrl: r.publicUrl, appApiUrl: appApiUrl(r), tunnel, directories: r.directories, forwardTo: forwardJson(r.forwardTo) };
}

/**
 * `{url, signingSecret}`: the secret of the (first) served environment; `signingSecrets` by
 * environment id is added only when several environments are served, each signing with its own.
 */
function forwardJson(f: ForwardInfo | null) {
  if (!f) return null;
  const secrets = Object.entries(f.secrets);
  return { url: f.url, signingSecret: secrets[0]?.[1] ?? null, ...(secrets.length > 1 ? { signingSecrets: f.secrets } : {}) };
}

/** Where an app reaches the app API: the local listener, or the public URL with --public-api. */
function appApiUrl(r: Ready): string {
  return r.publicApi && r.publicUrl ? r.publicUrl : r.localUrl;
}

function banner(ctx: Context, r: Ready): string[] {
  const c = ctx.errColor;
  const lines = [
    `${c.green('scimctl is serving SCIM 2.0')} on ${r.localUrl}${r.publicUrl && !r.tunnel ? ` (public URL ${r.publicUrl})` : ''}`,
    c.dim(`Database: ${ctx.dbPath}`),
  ];
  if (r.tunnel) {
    const reachable = r.publicApi ? 'the SCIM routes and the app API are reachable there' : 'only the SCIM routes are reachable there';
    lines.push(`${c.bold('Public URL:')} ${r.publicUrl} ${c.dim(`(${r.tunnel.provider}; ${reachable})`)}`);
    if (r.allowCidrs.length) lines.push(c.dim(`Public traffic accepted only from ${r.allowCidrs.join(', ')}`));
  }
  lines.push(c.dim(`App API (SSOReady-compatible): ${appApiUrl(r)}/v1 — key from \`scimctl apikey create\``));
  if (r.inspectorUrl) lines.push(`${c.bold('Inspector:')} ${r.inspectorUrl} ${c.dim('(live requests, replay, users and groups; this machine only)')}`);
  if (r.outOf !== undefined) lines.push(c.dim(`Serving ${r.directories.length} of the database's ${r.outOf} directories (--env/--directory); the others answer 401.`));
  if (r.forwardTo) {
    const secrets = Object.entries(r.forwardTo.secrets);
    const signed = secrets.length === 1 ? `signing secret ${secrets[0]![1]}` : `signing secrets: ${secrets.map(([env, secret]) => `${env} ${secret}`).join(', ')}`;
    lines.push(`Forwarding events to ${r.forwardTo.url} (${signed})`);
  }
  if (r.createdId) lines.push('', `Created a default directory ${r.createdId}.`);
  return lines;
}

function hints(ctx: Context, r: Ready, tokens: number): string[] {
  const c = ctx.errColor;
  const lines: string[] = [];
  if (tokens) {
    lines.push('', c.yellow(tokens === 1 ? 'This token is shown only this once; scimctl stores just its hash.' : 'These tokens are shown only this once; scimctl stores just their hashes.'));
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
  return lines;
}

/** The line per request while serving (stderr, like every notice). */
export function requestLine(ctx: Context, entry: LogEntry): string {
  const c = ctx.errColor;
  const status = entry.status >= 500 ? c.red(entry.status) : entry.status >= 400 ? c.yellow(entry.status) : c.green(entry.status);
  // The path and query are the client's: escaped, so a request cannot write to our terminal.
  const query = entry.query ? c.dim('?' + escapeControls(entry.query)) : '';
  return `${c.dim(entry.time)} ${escapeControls(entry.method).padEnd(6)} ${escapeControls(entry.path)}${query} ${status} ${c.dim(entry.durationMs.toFixed(1) + 'ms')}${entry.errorKind ? ' ' + c.yellow(entry.errorKind) : ''}`;
}

/** The line per webhook delivery attempt while forwarding (stderr): time, event, outcome, duration, and the retry after a failure. */
export function deliveryLine(ctx: Context, a: ForwardAttempt): string {
  const c = ctx.errColor;
  const d = a.delivery;
  const outcome = d.status !== null ? (d.ok ? c.green(d.status) : c.red(d.status)) : c.red(escapeControls(d.error ?? 'failed'));
  const retry = a.retryInMs !== undefined ? ' ' + c.yellow(`retrying in ${seconds(a.retryInMs)} (attempt ${a.attempt} failed)`) : '';
  return `${c.dim(d.time)} ${'EVENT'.padEnd(6)} ${a.event.id} ${a.event.type} → ${outcome} ${c.dim(d.durationMs.toFixed(1) + 'ms')}${retry}`;
}

const seconds = (ms: number) => `${ms >= 1000 ? Math.round(ms / 100) / 10 : Math.round(ms) / 1000} s`;
