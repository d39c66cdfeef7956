import { createApp } from './app.js';
import { Secret } from '../core/tokens.js';
import { listen } from './listen.js';
import { baseUrlFor } from '../core/urls.js';
import type { LogEntry, Store } from '../store/index.js';

/** The real SCIM app for one directory, on a loopback port of this process; see startInternalApp. */
export interface InternalApp {
  /** The directory's SCIM base URL on this app, e.g. http://127.0.0.1:51234/scim/v2/dir_… */
  baseUrl: string;
  /** A fresh secret that authenticates as the directory on this app only, for as long as it runs. Never print it. */
  token: string;
  /** Stop listening once in-flight requests finish. The request log is flushed when the store closes. */
  close: () => Promise<void>;
}

export interface InternalAppOptions {
  /** The origin meta.location and other absolute URLs name (the environment's public URL), instead of this app's own loopback port, which is gone when the run ends. */
  publicUrl?: () => string | undefined;
  onRequest?: (entry: LogEntry) => void;
  onInternalError?: (error: unknown) => void;
}

/**
 * Starts the SCIM app `scimctl serve` runs, for one directory, on 127.0.0.1 with a free port, so a
 * command can send it real HTTP requests: they are logged, write events and so reach webhooks exactly
 * as an IdP's would. The command cannot know the directory's bearer token (only its hash is stored),
 * so the app also accepts a random secret made here, which dies with the app. Only SCIM routes: no
 * health check, app API or inspector, and every other directory answers like an unknown one.
 */
export async function startInternalApp(store: Store, directoryId: string, options: InternalAppOptions = {}): Promise<InternalApp> {
  const credential = new Secret();
  const app = createApp({
    store,
    serves: (id) => id === directoryId,
    localRoutes: false,
    appApi: false,
    inspector: false,
    internalCredential: credential,
    onRequest: options.onRequest,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    onInternalError: options.onInternalError,
  });
  const server = await listen(app, 0, '127.0.0.1');
  // Like serve: a lock held by another process (a running serve writing its log) must not stall
  // this process's event loop, where the client waits for the answer; writes retry on timers.
  store.failFastOnLock();
  // Once closed, the store's later writes (the caller's own) wait for a lock again, as elsewhere.
  const close = async () => {
    await server.close(5_000);
    store.waitOnLock();
  };
  return { baseUrl: baseUrlFor(server.url, directoryId), token: credential.value, close };
}
