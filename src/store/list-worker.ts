import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BusyError, TooExpensiveError } from './errors.js';
import type { SqlParam } from './filter-targets.js';

/** How long one listing may run off the main thread before it is stopped as too expensive. */
export const LIST_DEADLINE_MS = 10_000;
/** Prepared statements the worker keeps, like the main connection's cache. */
const WORKER_STATEMENTS = 500;
/** Listings waiting for the worker beyond this are refused as busy rather than queued for minutes. */
const MAX_QUEUED = 16;
/** The SQL function the worker's connection defines: true until the query's deadline, then it aborts the query. */
export const DEADLINE_FUNCTION = 'scimctl_within_deadline';

export interface Statement {
  sql: string;
  params: readonly SqlParam[];
  mode: 'pluck' | 'all';
}

// The worker is plain JavaScript run with `eval`, so it needs no build step of its own and runs the
// same from the bundle and from source. Its connection is read-only; SQLite's WAL lets it read while
// the main connection writes. A user function checks the deadline on every row the filter tests, so
// an expensive scan stops itself instead of running on for minutes.
const WORKER_SOURCE = `
  const { parentPort, workerData } = require('node:worker_threads');
  const Database = require(workerData.driver);
  const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // Date.now(), not performance.now(): the deadline is set on the main thread, whose clock origin differs.
  let deadline = Infinity;
  const statements = new Map();
  db.function('${DEADLINE_FUNCTION}', { deterministic: false }, () => {
    if (Date.now() > deadline) throw new Error('deadline');
    return 1;
  });
  parentPort.on('message', ({ id, sql, params, mode, deadlineAt }) => {
    deadline = deadlineAt;
    try {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= ${WORKER_STATEMENTS}) statements.delete(statements.keys().next().value);
        statements.set(sql, (statement = db.prepare(sql)));
      }
      const result = mode === 'pluck' ? statement.pluck().get(...params) : statement.all(...params);
      parentPort.postMessage({ id, result });
    } catch (error) {
      parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code, deadline: String(error && error.message).includes('deadline') } });
    }
  });
`;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs expensive listings (filters and sorts that must read every row of a directory) on a worker
 * thread, one at a time, so the event loop keeps answering every other request meanwhile.
 */
export class ListWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly path: string,
    private readonly deadlineMs = LIST_DEADLINE_MS,
  ) {}

  /** The deadline (epoch ms) of a listing that starts now. */
  deadlineFromNow(): number {
    return Date.now() + this.deadlineMs;
  }

  run(statement: Statement, deadlineAt: number): Promise<unknown> {
    if (this.pending.size >= MAX_QUEUED) return Promise.reject(new BusyError(undefined, 'searches'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, sql: statement.sql, params: statement.params, mode: statement.mode, deadlineAt });
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Error('the store was closed while a search ran'));
  }

  private failAll(error: unknown): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: this.path } });
    worker.unref();
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: { message: string; code?: string; deadline: boolean } }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (!waiting) return;
      if (!error) waiting.resolve(result);
      else if (error.deadline) waiting.reject(new TooExpensiveError(this.deadlineMs));
      else waiting.reject(Object.assign(new Error(error.message), { code: error.code }));
    });
    // A worker that dies (or exits) fails what it had in hand; the next listing starts a new one.
    worker.on('error', (error) => {
      this.failAll(error);
      if (this.worker === worker) this.worker = undefined;
    });
    worker.on('exit', (code) => {
      this.failAll(new Error(`the search worker exited (code ${code})`));
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }
}
