import { isDatabaseBusy } from './open.js';
import type { Store } from './store.js';
import type { RequestLogTable } from './schema.js';

export type LogEntry = Omit<RequestLogTable, 'seq'>;

export interface LogRecord extends LogEntry {
  id: string;
}

/** Bodies above this many characters are cut (with a marker) so a 100k-member group can't bloat the log. */
export const LOG_BODY_LIMIT = 64 * 1024;
/** Only the newest rows are kept; older ones are pruned as new ones arrive. */
export const LOG_RETENTION = 100_000;

const logId = (seq: number) => `req_${seq}`;

export function parseLogId(id: string): number | undefined {
  const match = /^req_(\d+)$/.exec(id) ?? /^(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

export function capBody(body: string | null | undefined): string | null {
  if (body == null || body === '') return null;
  return body.length <= LOG_BODY_LIMIT ? body : `${body.slice(0, LOG_BODY_LIMIT)}…[truncated ${body.length - LOG_BODY_LIMIT} characters]`;
}

/** How long a log row may wait to be written with others: one commit per request cost more than a SCIM GET. */
export const LOG_FLUSH_MS = 20;
const LOG_FLUSH_ROWS = 256;
/** Rows kept while another process holds the write lock (a long seed, say); beyond this the oldest go. */
const LOG_MAX_WAITING = 5000;

/**
 * Rows are buffered and written in one transaction at most LOG_FLUSH_MS after the first of them
 * (or at LOG_FLUSH_ROWS), so they land a few milliseconds after the response; close() flushes.
 */
export class RequestLog {
  private inserted = 0;
  private pending: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `onError` hears of a batch that could not be written (a full disk, say); the server carries on. */
  constructor(
    private readonly store: Store,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    store.onClose(() => this.flush(true));
  }

  append(entry: LogEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= LOG_FLUSH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS).unref();
  }

  /**
   * Never throws: it runs from a timer, where a throw would take the whole server down. Unless told to
   * wait (at close), it does not wait for another process's write lock: the rows stay queued and the
   * event loop keeps serving reads while, say, a long `scimctl seed` commits.
   */
  flush(waitForLock = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || !this.store.db.open) return;
    const entries = this.pending;
    this.pending = [];
    try {
      if (waitForLock) this.store.waitOnLock();
      else this.store.failFastOnLock();
      this.store.transaction(() => {
        for (const entry of entries) this.insertUnlessOrphaned(entry);
      });
      const before = this.inserted;
      this.inserted += entries.length;
      if (Math.floor(before / 1000) !== Math.floor(this.inserted / 1000)) this.prune();
    } catch (error) {
      if (!waitForLock && isDatabaseBusy(error)) this.requeue(entries);
      else this.report(entries.length, error);
    }
  }

  private requeue(entries: LogEntry[]): void {
    const waiting = entries.concat(this.pending);
    const dropped = waiting.length - LOG_MAX_WAITING;
    if (dropped > 0) this.report(dropped, new Error('the database stayed locked by another process'));
    this.pending = dropped > 0 ? waiting.slice(dropped) : waiting;
    this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS).unref();
  }

  private report(rows: number, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.onError(new Error(`${rows} request log row(s) could not be written: ${reason}`, { cause: error }));
  }

  private insertUnlessOrphaned(entry: LogEntry): void {
    try {
      this.insert(entry);
    } catch (error) {
      // The directory was deleted while its rows waited here: they would have been deleted with it.
      if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return;
      throw error;
    }
  }

  private insert(entry: LogEntry): void {
    this.store
      .prepare(
        `INSERT INTO request_log (time, directory_id, method, path, query, status, duration_ms, error_kind, request_body, response_body, user_agent, remote_address)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.time,
        entry.directory_id,
        entry.method,
        entry.path,
        entry.query,
        entry.status,
        entry.duration_ms,
        entry.error_kind,
        capBody(entry.request_body),
        capBody(entry.response_body),
        entry.user_agent,
        entry.remote_address,
      );
  }

  private prune(): void {
    this.store.prepare('DELETE FROM request_log WHERE seq <= (SELECT max(seq) FROM request_log) - ?').run(LOG_RETENTION);
  }
}

export interface LogQuery {
  directoryId?: string | undefined;
  /** e.g. 404, or a class such as 4 for 4xx. */
  status?: { exact: number } | { klass: number } | undefined;
  afterSeq?: number | undefined;
  limit: number;
}

/** Newest first unless `afterSeq` is given (then oldest first, for --follow). */
export function queryLog(store: Store, query: LogQuery): LogRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.directoryId) {
    where.push('directory_id = ?');
    params.push(query.directoryId);
  }
  if (query.status && 'exact' in query.status) {
    where.push('status = ?');
    params.push(query.status.exact);
  } else if (query.status) {
    where.push('status >= ? AND status < ?');
    params.push(query.status.klass * 100, query.status.klass * 100 + 100);
  }
  if (query.afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(query.afterSeq);
  }
  const order = query.afterSeq !== undefined ? 'ASC' : 'DESC';
  const sql = `SELECT * FROM request_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq ${order} LIMIT ?`;
  const rows = store.db.prepare(sql).all(...params, query.limit) as RequestLogTable[];
  return rows.map(({ seq, ...rest }) => ({ id: logId(seq), ...rest }));
}

export function findLogEntry(store: Store, id: string): LogRecord | undefined {
  const seq = parseLogId(id);
  if (seq === undefined) return undefined;
  const row = store.db.prepare('SELECT * FROM request_log WHERE seq = ?').get(seq) as RequestLogTable | undefined;
  if (!row) return undefined;
  const { seq: s, ...rest } = row;
  return { id: logId(s), ...rest };
}

export function lastLogSeq(store: Store): number {
  return (store.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM request_log').get() as { n: number }).n;
}
