import { usageError } from '../core/errors.js';
import { normalizePublicUrl } from '../core/urls.js';
import { createApp } from '../server/app.js';
import { listen } from '../server/listen.js';
import { ensureDefaultDirectory } from '../store/bootstrap.js';
import { listDirectories } from '../store/directories.js';
import { registerServer, unregisterServer } from '../store/running-servers.js';
import type { LogEntry } from '../store/request-log.js';
import type { Context } from './context.js';
import { pasteIntoEntra } from './entra-hint.js';
import type { ServeOptions } from './serve.js';
import { renderTable } from './table.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`invalid --port "${value}": give a number from 0 to 65535`);
  return port;
}

export async function runServe(ctx: Context, opts: ServeOptions): Promise<void> {
  const port = parsePort(opts.port);
  const publicOverride = opts.publicUrl ? normalizePublicUrl(opts.publicUrl) : undefined;
  const store = ctx.store;
  const app = createApp({
    store,
    publicUrl: () => publicOverride,
    onRequest: ctx.json || opts.quiet ? undefined : (entry) => ctx.notice(requestLine(ctx, entry)),
    onInternalError: (error) => ctx.notice(`internal error: ${error instanceof Error ? (ctx.debug ? error.stack : error.message) : String(error)}`),
  });
  const server = await listen(app, port, opts.host);
  const created = await ensureDefaultDirectory(store, publicOverride ?? `http://localhost:${port === 0 ? 8080 : port}`);
  registerServer(store, { localUrl: server.url, publicUrl: publicOverride ?? null });

  const origin = publicOverride ?? server.url;
  const directories = (await listDirectories(store)).map((d) => ({
    id: d.id,
    name: d.name,
    organizationId: d.organizationId,
    baseUrl: `${origin}/scim/v2/${d.id}`,
    ...(created?.directory.id === d.id ? { token: created.token } : {}),
  }));

  if (ctx.json) {
    process.stdout.write(JSON.stringify({ url: server.url, publicUrl: publicOverride ?? null, directories }) + '\n');
  } else {
    const c = ctx.color;
    const lines = [`${c.green('scimctl is serving SCIM 2.0')} on ${server.url}${publicOverride ? ` (public URL ${publicOverride})` : ''}`, ''];
    if (created) {
      lines.push(`Created a default directory ${created.directory.id}.`, '', pasteIntoEntra(ctx, `${origin}/scim/v2/${created.directory.id}`, created.token), '');
    }
    lines.push(renderTable(['DIRECTORY', 'NAME', 'BASE URL'], directories.map((d) => [c.cyan(d.id), d.name ?? '', d.baseUrl])));
    if (!created) lines.push('', c.dim('Tokens are shown only when made; `scimctl token rotate <directory>` prints a new one.'));
    lines.push('', c.dim('Requests are logged: `scimctl log list --follow`. Press Ctrl-C to stop.'));
    process.stdout.write(lines.join('\n') + '\n');
  }

  await waitForSignal();
  if (!ctx.json) ctx.notice('Shutting down: finishing in-flight requests…');
  await server.close();
  unregisterServer(store);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function requestLine(ctx: Context, entry: LogEntry): string {
  const c = ctx.errColor;
  const status = entry.status >= 500 ? c.red(entry.status) : entry.status >= 400 ? c.yellow(entry.status) : c.green(entry.status);
  const query = entry.query ? c.dim('?' + entry.query) : '';
  return `${c.dim(entry.time)} ${entry.method.padEnd(6)} ${entry.path}${query} ${status} ${c.dim(entry.duration_ms.toFixed(1) + 'ms')}${entry.error_kind ? ' ' + c.yellow(entry.error_kind) : ''}`;
}
