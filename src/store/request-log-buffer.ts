import { isBusy } from './errors.js';
import { DEFAULT_LOG_BUDGET, type LogBudget, type LogEntry, type RequestLogRepository } from './request-log.js';

/** How long a log row may wait to be written with others: one commit per request cost more than a SCIM GET. */
export const LOG_FLUSH_MS = 20;
const LOG_FLUSH_ROWS = 256;
/** Rows kept while another process holds the write lock (a long seed, say); beyond this the oldest go. */
const LOG_MAX_WAITING = 5000;
/** Rows that could not be written are reported at most this often, with a count (not once per batch). */
export const LOG_REPORT_INTERVAL_MS = 10_000;

/** What the buffered writer needs of the store. */
export interface LogStore {
  readonly requestLog: RequestLogRepository;
  readonly isOpen: boolean;
  onClose(hook: () => void): void;
}

export interface BufferedLogOptions {
  /** Hears of rows that could not be written (a full disk, say), at most once per LOG_REPORT_INTERVAL_MS; the server carries on. */
  onError?: (error: Error) => void;
  budget?: LogBudget | undefined;
  now?: () => number;
}

/**
 * Rows are buffered and written in one transaction at most LOG_FLUSH_MS after the first of them
 * (or at LOG_FLUSH_ROWS), so they land a few milliseconds after the response; the store's close
 * flushes. The log is pruned to its budget every 1,000 rows (a tenth of a smaller row budget), or
 * sooner when a twentieth of the byte budget has been written since the last prune.
 */
export class BufferedRequestLog {
  private pending: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private rowsSincePrune = 0;
  private bytesSincePrune = 0;
  private readonly budget: LogBudget;
  private readonly now: () => number;
  private unreported: { rows: number; reason: string; cause: unknown } | undefined;
  private lastReport = -Infinity;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LogStore,
    private readonly options: BufferedLogOptions = {},
  ) {
    this.budget = options.budget ?? DEFAULT_LOG_BUDGET;
    this.now = options.now ?? (() => performance.now());
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
    if (this.pending.length > 0 && this.store.isOpen) this.write(this.pending.splice(0), last);
    if (last) this.report(true);
  }

  private write(entries: LogEntry[], last: boolean): void {
    try {
      this.bytesSincePrune += this.store.requestLog.append(entries);
      this.rowsSincePrune += entries.length;
    } catch (error) {
      if (isBusy(error) && !last) this.requeue(entries);
      else this.lost(entries.length, error);
      return;
    }
    // A tenth of the row budget (at most 1,000 rows) or a twentieth of the byte budget since the last prune.
    if (this.rowsSincePrune >= Math.min(1000, Math.ceil(this.budget.maxRows / 10)) || this.bytesSincePrune >= this.budget.maxBytes / 20) this.prune();
  }

  /** The rows are written by now: a prune that meets a held lock (or fails) is simply tried at the next batch. */
  private prune(): void {
    try {
      this.store.requestLog.prune(this.budget);
      this.rowsSincePrune = this.bytesSincePrune = 0;
    } catch (error) {
      if (!isBusy(error)) this.options.onError?.(new Error(`the request log could not be pruned: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }

  private requeue(entries: LogEntry[]): void {
    const waiting = entries.concat(this.pending);
    const dropped = waiting.length - LOG_MAX_WAITING;
    if (dropped > 0) this.lost(dropped, new Error('the database stayed locked by another process'));
    this.pending = dropped > 0 ? waiting.slice(dropped) : waiting;
    this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS).unref();
  }

  private lost(rows: number, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.unreported = { rows: (this.unreported?.rows ?? 0) + rows, reason, cause: error };
    this.report(false);
  }

  /** One line per interval, however many batches failed in it (a locked database fails every 20 ms). */
  private report(now: boolean): void {
    if (!this.unreported) return;
    const wait = this.lastReport + LOG_REPORT_INTERVAL_MS - this.now();
    if (!now && wait > 0) {
      this.reportTimer ??= setTimeout(() => ((this.reportTimer = undefined), this.report(true)), wait).unref();
      return;
    }
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    const { rows, reason, cause } = this.unreported;
    this.unreported = undefined;
    this.lastReport = this.now();
    this.options.onError?.(new Error(`${rows} request log row(s) could not be written: ${reason}`, { cause }));
  }
}
