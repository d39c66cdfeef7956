import { isBusy, isForeignKeyViolation } from './errors.js';
import type { RequestLogTable } from './schema.js';
import type { Sql } from './sql.js';

/** One SCIM request as logged. Headers are never part of it, so the Authorization header cannot be. */
export interface LogEntry {
  time: string;
  directoryId: string | null;
  method: string;
  path: string;
  query: string | null;
  status: number;
  durationMs: number;
  errorKind: string | null;
  /** The body exactly as the client sent it (cut at LOG_BODY_LIMIT characters). */
  requestBody: string | null;
  responseBody: string | null;
  userAgent: string | null;
  remoteAddress: string | null;
}

export interface LogRecord extends LogEntry {
  /** `req_<n>`; n grows with every request. */
  id: string;
}

export interface LogQuery {
  directoryId?: string | undefined;
  /** e.g. 404, or a class such as 4 for 4xx. */
  status?: { exact: number } | { klass: number } | undefined;
  afterSeq?: number | undefined;
  limit: number;
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

const toRecord = (row: RequestLogTable): LogRecord => ({
  id: logId(row.seq),
  time: row.time,
  directoryId: row.directory_id,
  method: row.method,
  path: row.path,
  query: row.query,
  status: row.status,
  durationMs: row.duration_ms,
  errorKind: row.error_kind,
  requestBody: row.request_body,
  responseBody: row.response_body,
  userAgent: row.user_agent,
  remoteAddress: row.remote_address,
});

/** The request log's rows: batched appends for the server, queries for the CLI. */
export class RequestLogRepository {
  constructor(private readonly sql: Sql) {}

  /** Append rows in one transaction; rows of a directory deleted meanwhile are dropped (they would have been deleted with it). */
  append(entries: readonly LogEntry[]): void {
    this.sql.transaction(() => {
      for (const entry of entries) this.insertUnlessOrphaned(entry);
    });
  }

  /** Keep the newest LOG_RETENTION rows. */
  prune(): void {
    this.sql.prepare('DELETE FROM request_log WHERE seq <= (SELECT max(seq) FROM request_log) - ?').run(LOG_RETENTION);
  }

  /** Newest first unless `afterSeq` is given (then oldest first, for --follow). */
  query(query: LogQuery): LogRecord[] {
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
    const text = `SELECT * FROM request_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq ${order} LIMIT ?`;
    return (this.sql.prepare(text).all(...params, query.limit) as RequestLogTable[]).map(toRecord);
  }

  find(id: string): LogRecord | undefined {
    const seq = parseLogId(id);
    if (seq === undefined) return undefined;
    const row = this.sql.prepare('SELECT * FROM request_log WHERE seq = ?').get(seq) as RequestLogTable | undefined;
    return row && toRecord(row);
  }

  lastSeq(): number {
    return this.sql.prepare('SELECT coalesce(max(seq), 0) FROM request_log').pluck().get() as number;
  }

  private insertUnlessOrphaned(entry: LogEntry): void {
    try {
      this.sql
        .prepare(
          `INSERT INTO request_log (time, directory_id, method, path, query, status, duration_ms, error_kind, request_body, response_body, user_agent, remote_address)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.time,
          entry.directoryId,
          entry.method,
          entry.path,
          entry.query,
          entry.status,
          entry.durationMs,
          entry.errorKind,
          capBody(entry.requestBody),
          capBody(entry.responseBody),
          entry.userAgent,
          entry.remoteAddress,
        );
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
    }
  }
}

/** How long a log row may wait to be written with others: one commit per request cost more than a SCIM GET. */
export const LOG_FLUSH_MS = 20;
const LOG_FLUSH_ROWS = 256;
/** Rows kept while another process holds the write lock (a long seed, say); beyond this the oldest go. */
const LOG_MAX_WAITING = 5000;

/** What the buffered writer needs of the store. */
export interface LogStore {
  readonly requestLog: RequestLogRepository;
  readonly isOpen: boolean;
  onClose(hook: () => void): void;
}

/**
 * Rows are buffered and written in one transaction at most LOG_FLUSH_MS after the first of them
 * (or at LOG_FLUSH_ROWS), so they land a few milliseconds after the response; the store's close flushes.
 */
export class BufferedRequestLog {
  private inserted = 0;
  private pending: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `onError` hears of a batch that could not be written (a full disk, say); the server carries on. */
  constructor(
    private readonly store: LogStore,
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
   * Never throws: it runs from a timer, where a throw would take the whole server down. When the store
   * fails fast on a held lock (a serving store), a busy database leaves the rows queued and the event
   * loop keeps serving reads while, say, a long `scimctl seed` commits. The `last` flush (at close)
   * reports what it cannot write instead.
   */
  flush(last = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || !this.store.isOpen) return;
    const entries = this.pending;
    this.pending = [];
    try {
      this.store.requestLog.append(entries);
      const before = this.inserted;
      this.inserted += entries.length;
      if (Math.floor(before / 1000) !== Math.floor(this.inserted / 1000)) this.store.requestLog.prune();
    } catch (error) {
      if (isBusy(error) && !last) this.requeue(entries);
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
}
