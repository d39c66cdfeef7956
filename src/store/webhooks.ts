import { randomBytes } from 'node:crypto';
import { NotFoundError } from './errors.js';
import type { Sql } from './sql.js';

/** One delivery attempt of an event to a webhook URL. */
export interface Delivery {
  time: string;
  url: string;
  /** The HTTP status, or null when there was none (refused, timed out). */
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The first bytes of the answer. */
  response: string | null;
}

/**
 * What forwarding events as webhooks keeps: every delivery attempt, how far each URL has
 * acknowledged (so a restarted serve goes on from there), and each environment's signing secret.
 */
export class WebhookRepository {
  constructor(private readonly sql: Sql) {}

  recordDelivery(eventSeq: number, delivery: Delivery): void {
    this.sql
      .prepare('INSERT INTO event_deliveries (event_seq, time, url, status, duration_ms, error, response) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(eventSeq, delivery.time, delivery.url, delivery.status, delivery.durationMs, delivery.error, delivery.response);
  }

  deliveries(eventSeq: number): Delivery[] {
    return this.sql
      .prepare('SELECT time, url, status, duration_ms AS durationMs, error, response FROM event_deliveries WHERE event_seq = ? ORDER BY rowid')
      .all(eventSeq) as Delivery[];
  }

  /**
   * The seq up to which `url` has acknowledged every event (0: none yet): what a serve of every
   * directory acknowledged, or the URL's start. With a directory: up to which it has acknowledged
   * that directory's events, which a serve limited to it (--env/--directory) moves further.
   */
  acknowledged(url: string, directoryId?: string): number {
    const all = (this.sql.prepare('SELECT acknowledged_seq FROM webhook_cursors WHERE url = ?').pluck().get(url) as number | undefined) ?? 0;
    if (directoryId === undefined) return all;
    return Math.max(all, this.acknowledgedByDirectory(url).get(directoryId) ?? 0);
  }

  /** The directories whose events `url` acknowledged one by one (a limited serve), with how far. */
  acknowledgedByDirectory(url: string): Map<string, number> {
    const rows = this.sql.prepare('SELECT directory_id, acknowledged_seq FROM webhook_directory_cursors WHERE url = ?').raw().all(url) as [string, number][];
    return new Map(rows);
  }

  /**
   * Record that `url` acknowledged everything up to `seq` (never moving back): every event, or only
   * those of `directoryIds` (a serve limited to them). A URL forwarded to for the first time starts
   * after the events that exist when it starts (`start`), not at the beginning of history.
   */
  acknowledge(url: string, seq: number, now: string, directoryIds?: readonly string[]): void {
    if (directoryIds === undefined) {
      this.sql
        .prepare(
          `INSERT INTO webhook_cursors (url, acknowledged_seq, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (url) DO UPDATE SET acknowledged_seq = max(acknowledged_seq, excluded.acknowledged_seq), updated_at = excluded.updated_at`,
        )
        .run(url, seq, now);
      return;
    }
    const upsert = this.sql.prepare(
      `INSERT INTO webhook_directory_cursors (url, directory_id, acknowledged_seq, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (url, directory_id) DO UPDATE SET acknowledged_seq = max(acknowledged_seq, excluded.acknowledged_seq), updated_at = excluded.updated_at`,
    );
    this.sql.transaction(() => directoryIds.forEach((directoryId) => upsert.run(url, directoryId, seq, now)));
  }

  /** Whether events have ever been forwarded to `url` from this database. */
  knowsUrl(url: string): boolean {
    return this.sql.prepare('SELECT 1 FROM webhook_cursors WHERE url = ?').get(url) !== undefined;
  }

  /** The URL events were last forwarded to (by any serve, limited or not), for `events resend` without --to. */
  lastUrl(): string | undefined {
    return this.sql
      .prepare(
        `SELECT url FROM (SELECT url, updated_at FROM webhook_cursors UNION ALL SELECT url, updated_at FROM webhook_directory_cursors)
         ORDER BY updated_at DESC LIMIT 1`,
      )
      .pluck()
      .get() as string | undefined;
  }

  /**
   * The environment's webhook signing secret, made on first use (`whsec_` + 32 random bytes, base64).
   * NotFoundError once the environment is deleted: its secret went with it.
   */
  signingSecret(environmentId: string, now = new Date().toISOString()): string {
    const existing = this.sql.prepare('SELECT secret FROM webhook_secrets WHERE environment_id = ?').pluck().get(environmentId) as string | undefined;
    if (existing !== undefined) return existing;
    if (this.sql.prepare('SELECT 1 FROM environments WHERE id = ?').get(environmentId) === undefined) throw new NotFoundError('environment', environmentId);
    return this.setSigningSecret(environmentId, newSigningSecret(), now);
  }

  /** Replace the environment's signing secret (a new one, or the given one); returns it. */
  setSigningSecret(environmentId: string, secret: string, now = new Date().toISOString()): string {
    this.sql
      .prepare(
        `INSERT INTO webhook_secrets (environment_id, secret, created_at) VALUES (?, ?, ?)
         ON CONFLICT (environment_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
      )
      .run(environmentId, secret, now);
    return secret;
  }

  rotateSigningSecret(environmentId: string, now = new Date().toISOString()): string {
    return this.setSigningSecret(environmentId, newSigningSecret(), now);
  }
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
