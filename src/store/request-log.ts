import { isForeignKeyViolation } from './errors.js';
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
  /** Set when the request caused events: they carry the same key and find this row by it. */
  requestKey?: string | null | undefined;
}

export interface LogRecord extends LogEntry {
  /** `req_<n>`; n grows with every request. */
  id: string;
  /** Set when the request wrote events (which may have been trimmed since): events.ofRequest finds them by it. */
  requestKey: string | null;
}

export interface LogQuery {
  directoryId?: string | undefined;
  /** Only rows of these directories (a serve limited by --env/--directory); rows of no directory are left out. */
  directoryIds?: readonly string[] | undefined;
  /** e.g. 404, or a class such as 4 for 4xx. */
  status?: { exact: number } | { klass: number } | undefined;
  afterSeq?: number | undefined;
  /** Only rows older than this seq (exclusive): the next page of a newest-first listing. */
  beforeSeq?: number | undefined;
  /** e.g. PATCH (case-insensitive). */
  method?: string | undefined;
  errorKind?: string | undefined;
  /** Case-insensitive (ASCII) substring of the path, query or either body. */
  text?: string | undefined;
  limit: number;
}

/** Bodies above this many characters are cut (with a marker) so a 100k-member group can't bloat the log. */
export const LOG_BODY_LIMIT = 64 * 1024;

/** How much of the log is kept: the newest rows within both limits; older ones are pruned as new ones arrive. */
export interface LogBudget {
  maxRows: number;
  /** Bytes of stored request and response bodies, summed over the rows kept. */
  maxBytes: number;
}

export const DEFAULT_LOG_BUDGET: LogBudget = { maxRows: 100_000, maxBytes: 256 * 1024 * 1024 };

const logId = (seq: number) => `req_${seq}`;
const byteLength = (text: string | null) => (text === null ? 0 : Buffer.byteLength(text));

export function parseLogId(id: string): number | undefined {
  const match = /^req_(\d+)$/.exec(id) ?? /^(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** Appended by the server to the logged prefix of a body that was not read in full (its token failed). */
export const TRUNCATED_MARKER = '…[truncated: unauthenticated request]';

export function capBody(body: string | null | undefined): string | null {
  if (body == null || body === '') return null;
  return body.length <= LOG_BODY_LIMIT ? body : `${body.slice(0, LOG_BODY_LIMIT)}…[truncated ${body.length - LOG_BODY_LIMIT} characters]`;
}

/** Does a logged body end in one of the markers above, so it is not the whole body that was sent? */
export function isTruncatedLogBody(text: string): boolean {
  return text.endsWith(TRUNCATED_MARKER) || /…\[truncated \d+ characters\]$/.test(text);
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
  requestKey: row.request_key,
});

/** The request log's rows: batched appends for the server, queries for the CLI. */
export class RequestLogRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Append rows in one transaction; rows of a directory deleted meanwhile are dropped (they would have
   * been deleted with it). Returns the bytes of body stored.
   */
  append(entries: readonly LogEntry[]): number {
    return this.sql.transaction(() => {
      let bytes = 0;
      for (const entry of entries) bytes += this.insertUnlessOrphaned(entry);
      return bytes;
    });
  }

  /**
   * Keep the newest rows within the budget. Over the byte budget, the oldest rows go until a tenth of
   * it is free again, so a log at its limit is not cut on every batch. Reads only the (seq, bytes) index.
   */
  prune(budget: LogBudget): void {
    this.sql.transaction(() => {
      this.sql.prepare('DELETE FROM request_log WHERE seq <= (SELECT max(seq) FROM request_log) - ?').run(budget.maxRows);
      const total = this.sql.prepare('SELECT coalesce(sum(bytes), 0) FROM request_log').pluck().get() as number;
      if (total <= budget.maxBytes) return;
      let excess = total - Math.floor(budget.maxBytes * 0.9);
      let cutoff = 0;
      for (const row of this.sql.prepare('SELECT seq, bytes FROM request_log ORDER BY seq').iterate() as IterableIterator<{ seq: number; bytes: number }>) {
        cutoff = row.seq;
        excess -= row.bytes;
        if (excess <= 0) break;
      }
      this.sql.prepare('DELETE FROM request_log WHERE seq <= ?').run(cutoff);
    });
  }

  /** Rows and body bytes the log holds now. */
  size(): { rows: number; bytes: number } {
    return this.sql.prepare('SELECT count(*) AS rows, coalesce(sum(bytes), 0) AS bytes FROM request_log').get() as { rows: number; bytes: number };
  }

  /** Newest first unless `afterSeq` is given (then oldest first, for --follow). */
  query(query: LogQuery): LogRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.directoryId) {
      where.push('directory_id = ?');
      params.push(query.directoryId);
    }
    if (query.directoryIds) {
      where.push('directory_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.directoryIds));
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
    if (query.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(query.beforeSeq);
    }
    if (query.method) {
      where.push('method = ?');
      params.push(query.method.toUpperCase());
    }
    if (query.errorKind) {
      where.push('error_kind = ?');
      params.push(query.errorKind);
    }
    if (query.text) {
      const like = `%${query.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      where.push(`(path LIKE ? ESCAPE '\\' OR query LIKE ? ESCAPE '\\' OR request_body LIKE ? ESCAPE '\\' OR response_body LIKE ? ESCAPE '\\')`);
      params.push(like, like, like, like);
    }
    const order = query.afterSeq !== undefined ? 'ASC' : 'DESC';
    const text = `SELECT * FROM request_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq ${order} LIMIT ?`;
    return (this.sql.prepare(text).all(...params, query.limit) as RequestLogTable[]).map(toRecord);
  }

  /**
   * The rows that touched one user or group, newest first: requests to its own path, and writes
   * whose events name it (as the resource or as a member). It reads the whole log and every event,
   * so it runs on the listing worker, off the server's event loop.
   */
  async touching(resourceId: string, limit: number): Promise<LogRecord[]> {
    const worker = this.sql.listWorker();
    const sql = `SELECT * FROM request_log
      WHERE substr(path, -length(?) - 1) = '/' || ?
         OR (request_key IS NOT NULL AND request_key IN (SELECT request_key FROM events WHERE request_key IS NOT NULL AND (resource_id = ? OR member_id = ?)))
      ORDER BY seq DESC LIMIT ?`;
    const params = [resourceId, resourceId, resourceId, resourceId, limit];
    const rows = (await worker.run({ sql, params, mode: 'all' }, worker.deadlineFromNow())) as RequestLogTable[];
    return rows.map(toRecord);
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

  private insertUnlessOrphaned(entry: LogEntry): number {
    const requestBody = capBody(entry.requestBody);
    const responseBody = capBody(entry.responseBody);
    const bytes = byteLength(requestBody) + byteLength(responseBody);
    try {
      this.sql
        .prepare(
          `INSERT INTO request_log (time, directory_id, method, path, query, status, duration_ms, error_kind, request_body, response_body, user_agent, remote_address, bytes, request_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          requestBody,
          responseBody,
          entry.userAgent,
          entry.remoteAddress,
          bytes,
          entry.requestKey ?? null,
        );
      return bytes;
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      return 0;
    }
  }
}
