import type { Sql } from './sql.js';

export interface RunningServer {
  pid: number;
  localUrl: string;
  publicUrl: string | null;
  startedAt: string;
}

/**
 * Running `scimctl serve` processes register here, so that other commands print the base URL that
 * actually works right now (a tunnel's public URL, or serve's --public-url) and can tell what runs.
 */
export class RunningServerRepository {
  constructor(private readonly sql: Sql) {}

  register(server: { pid: number; localUrl: string; publicUrl: string | null }, now = new Date().toISOString()): void {
    this.sql
      .prepare('INSERT OR REPLACE INTO running_servers (pid, local_url, public_url, started_at) VALUES (?, ?, ?, ?)')
      .run(server.pid, server.localUrl, server.publicUrl, now);
  }

  setPublicUrl(pid: number, publicUrl: string | null): void {
    this.sql.prepare('UPDATE running_servers SET public_url = ? WHERE pid = ?').run(publicUrl, pid);
  }

  unregister(pid: number): void {
    this.sql.prepare('DELETE FROM running_servers WHERE pid = ?').run(pid);
  }

  /** Servers whose process is still alive, newest first; rows left by killed servers are ignored. */
  live(): RunningServer[] {
    const rows = this.sql
      .prepare('SELECT pid, local_url AS localUrl, public_url AS publicUrl, started_at AS startedAt FROM running_servers ORDER BY started_at DESC')
      .all() as RunningServer[];
    return rows.filter((row) => alive(row.pid));
  }

  /**
   * Where clients reach the live servers now: the newest public URL any of them has, and the newest
   * one's local URL (a wildcard listen address shown as localhost, which reaches it).
   */
  liveOrigins(): { publicUrl: string | null; localUrl: string | null } {
    const servers = this.live();
    const local = servers[0]?.localUrl ?? null;
    return {
      publicUrl: servers.find((s) => s.publicUrl !== null)?.publicUrl ?? null,
      localUrl: local && local.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, 'http://localhost'),
    };
  }

  /** The public URL of the newest live server that has one. */
  livePublicUrl(): string | null {
    const rows = this.sql
      .prepare('SELECT pid, public_url FROM running_servers WHERE public_url IS NOT NULL ORDER BY started_at DESC')
      .all() as { pid: number; public_url: string }[];
    return rows.find((row) => alive(row.pid))?.public_url ?? null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
