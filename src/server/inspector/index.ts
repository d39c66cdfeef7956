import { readFileSync } from 'node:fs';
import express, { type Request, type Response } from 'express';
import type { Store } from '../../store/index.js';
import { inspectorApi } from './api.js';
import { Secret } from '../../core/tokens.js';
import { loopbackOnly } from './guard.js';


const INSPECTOR_PATH = '/_inspector';

export interface InspectorOptions {
  store: Store;
  serves: (directoryId: string) => boolean;
  /** The credential replays carry; the local app's SCIM auth accepts it (see replay.ts). */
  replayCredential: Secret;
  onInternalError: (error: unknown) => void;
  pollMs?: number;
}

/**
 * The page's script and styles, built by scripts/build.mjs into dist/ (inspector.js, inspector.css):
 * next to the server chunk when built, or in the checkout's dist/ when run from source (tests; npm
 * test builds first). Read once, on the first request for them.
 */
function assetLoader() {
  const cache = new Map<string, Buffer>();
  return (name: 'inspector.js' | 'inspector.css'): Buffer | undefined => {
    if (cache.has(name)) return cache.get(name);
    for (const candidate of [new URL(`./${name}`, import.meta.url), new URL(`../../../dist/${name}`, import.meta.url)]) {
      try {
        const bytes = readFileSync(candidate);
        cache.set(name, bytes);
        return bytes;
      } catch {
        // try the next place
      }
    }
    return undefined;
  };
}

/** Strict: only our own script and styles, no inline script, nothing framed, nothing sent elsewhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
}

/** The page: a shell; the script renders everything, always as text. The replay secret is in a meta tag. */
function page(secret: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="inspector-secret" content="${secret}">
<title>scimctl inspector</title>
<link rel="stylesheet" href="${INSPECTOR_PATH}/inspector.css">
<script type="module" src="${INSPECTOR_PATH}/inspector.js"></script>
</head>
<body><noscript>The scimctl inspector needs JavaScript.</noscript><div id="app"></div></body>
</html>
`;
}

/**
 * The live web inspector, on the local listener only: GET / (the page), its assets, and its API
 * under /_inspector/api. Every route answers 403 unless the Host header is a loopback name.
 */
export function inspectorRoutes(app: express.Express, options: InspectorOptions): void {
  const pageSecret = new Secret();
  const asset = assetLoader();
  const html = page(pageSecret.value);
  app.get('/', loopbackOnly, (_req: Request, res: Response) => {
    securityHeaders(res);
    res.type('html').send(html);
  });
  for (const [name, type] of [['inspector.js', 'text/javascript'], ['inspector.css', 'text/css']] as const) {
    app.get(`${INSPECTOR_PATH}/${name}`, loopbackOnly, (_req: Request, res: Response) => {
      const bytes = asset(name);
      securityHeaders(res);
      if (!bytes) return void res.status(404).type('text/plain').send(`${name} is missing: run the build (npm run build)`);
      res.type(type).send(bytes);
    });
  }
  app.use(
    `${INSPECTOR_PATH}/api`,
    loopbackOnly,
    (_req: Request, res: Response, next: () => void) => {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      next();
    },
    inspectorApi({
      store: options.store,
      serves: options.serves,
      secret: pageSecret,
      pollMs: options.pollMs,
      onInternalError: options.onInternalError,
      replayTarget: (req) => ({ origin: originOf(req), credential: options.replayCredential }),
    }),
  );
}

/** The listener this request came in on, as a URL: replays go back to it. */
function originOf(req: Request): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}
