import type { Store } from './store.js';

/**
 * Running `scimctl serve` processes register here so that other commands print the base URL that
 * actually works right now (a tunnel's public URL, or serve's --public-url).
 */
export function registerServer(store: Store, server: { localUrl: string; publicUrl: string | null }): void {
  store
    .prepare('INSERT OR REPLACE INTO running_servers (pid, local_url, public_url, started_at) VALUES (?, ?, ?, ?)')
    .run(process.pid, server.localUrl, server.publicUrl, new Date().toISOString());
}

export function updateServerPublicUrl(store: Store, publicUrl: string | null): void {
  store.prepare('UPDATE running_servers SET public_url = ? WHERE pid = ?').run(publicUrl, process.pid);
}

export function unregisterServer(store: Store): void {
  store.prepare('DELETE FROM running_servers WHERE pid = ?').run(process.pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The public URL of the newest live server that has one; rows of dead servers are ignored. */
export function liveOverrideUrl(store: Store): string | null {
  const rows = store.db
    .prepare('SELECT pid, public_url FROM running_servers WHERE public_url IS NOT NULL ORDER BY started_at DESC')
    .all() as { pid: number; public_url: string }[];
  return rows.find((row) => alive(row.pid))?.public_url ?? null;
}
