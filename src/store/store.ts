import { IdGenerator } from '../core/ids.js';
import { Connection } from './connection.js';
import { ApiKeyRepository } from './api-keys.js';
import { AppReadRepository } from './app-reads.js';
import { DirectoryRepository } from './directories.js';
import { EnvironmentRepository } from './environments.js';
import { EventRepository } from './events.js';
import { WebhookRepository } from './webhooks.js';
import { GroupRepository } from './groups.js';
import { openDatabase, readableByOthers, type Sqlite } from './open.js';
import { OrganizationRepository } from './organizations.js';
import { RequestLogRepository } from './request-log.js';
import { RunningServerRepository } from './running-servers.js';
import { UserRepository } from './users.js';

/**
 * One open scimctl database: the only place in the program that talks to SQLite. Callers use the
 * repositories (one per aggregate) and `transaction`; every statement is a cached prepared
 * better-sqlite3 statement, so nothing re-parses SQL on a hot path. What callers act on leaves as
 * a StoreError (not found, conflict on a field, …); any other driver error passes through, and the
 * edges read it with `toStoreError`/`isBusy` (errors.ts), so only src/store knows SQLite's codes. A
 * filter the compiler cannot use is reported in SCIM's words (invalidFilter): the language is SCIM's.
 */
export class Store {
  readonly ids = new IdGenerator();
  readonly environments: EnvironmentRepository;
  readonly organizations: OrganizationRepository;
  readonly directories: DirectoryRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly requestLog: RequestLogRepository;
  readonly servers: RunningServerRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly appReads: AppReadRepository;
  readonly events: EventRepository;
  readonly webhooks: WebhookRepository;

  private readonly db: Sqlite;
  /** What the repositories use; never handed out of src/store. */
  private readonly sql: Connection;
  private readonly closeHooks: (() => void)[] = [];
  /** The lock wait, kept while failFastOnLock() sets the engine's own to 0. */
  private lockWaitMs: number | undefined;
  private failingFast = false;

  /** The database file existed with a mode that lets other users read it (new files are made 0600). */
  readonly readableByOthers: boolean;

  constructor(
    readonly path: string,
    options: { listDeadlineMs?: number } = {},
  ) {
    this.db = openDatabase(path);
    this.readableByOthers = readableByOthers(path);
    const sql = (this.sql = new Connection(this.db, this.ids, path, options.listDeadlineMs));
    this.servers = new RunningServerRepository(sql);
    this.events = new EventRepository(sql);
    this.environments = new EnvironmentRepository(sql);
    this.organizations = new OrganizationRepository(sql, this.events);
    this.directories = new DirectoryRepository(sql, this.servers, this.events);
    this.webhooks = new WebhookRepository(sql);
    this.users = new UserRepository(sql, this.events);
    this.groups = new GroupRepository(sql, this.events);
    this.requestLog = new RequestLogRepository(sql);
    this.apiKeys = new ApiKeyRepository(sql);
    this.appReads = new AppReadRepository(sql);
  }

  /** Run `fn` as one transaction: all of its writes land or none of them. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  /**
   * Run `fn` with `check` run first inside each transaction it opens, once the write lock is held:
   * what the check reads (a directory's token, say) cannot change before the write commits. A check
   * that throws rolls the transaction back and its error goes to the caller.
   */
  checkingWrites<T>(check: () => void, fn: () => T): T {
    const outer = this.sql.writeCheck;
    this.sql.writeCheck = check;
    try {
      return fn();
    } finally {
      this.sql.writeCheck = outer;
    }
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Rows written through this store so far: a write attempt that changed nothing can safely be tried again. */
  changesSoFar(): number {
    return this.sql.prepare('SELECT total_changes()').pluck().get() as number;
  }

  /**
   * A serving connection's page cache: 8 MB instead of better-sqlite3's 16 MB. The request log
   * streams fresh pages through the cache all the time, so the larger cache did not keep the working
   * set any better: the same req/s, 8-14 MB less RSS (bench, 10k and 100k users).
   */
  useServingCache(): void {
    this.db.pragma(`cache_size = -${SERVING_CACHE_KIB}`);
  }

  /** The connection's page cache size in KiB (for diagnostics and tests). */
  cacheSizeKib(): number {
    const pages = this.db.pragma('cache_size', { simple: true }) as number;
    return pages < 0 ? -pages : (pages * (this.db.pragma('page_size', { simple: true }) as number)) / 1024;
  }

  /**
   * Run `fn` with a large page cache. With SQLite's default, a 100k-user seed transaction spills dirty
   * pages to the WAL mid-way and rewrites them at commit (~10% slower); the cache only grows as pages
   * are touched, so small seeds cost nothing extra.
   */
  withBulkCache<T>(fn: () => T): T {
    const previous = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
    try {
      return fn();
    } finally {
      this.db.pragma(`cache_size = ${previous}`);
    }
  }

  /**
   * How long (ms) a write waits for another process's write lock before it fails as busy: SQLite
   * sleeps that long, or, once failFastOnLock() is on, the caller retries that long on timers.
   */
  busyTimeoutMs(): number {
    return (this.lockWaitMs ??= this.sql.prepare('PRAGMA busy_timeout').pluck().get() as number);
  }

  setBusyTimeout(ms: number): void {
    this.lockWaitMs = ms;
    if (!this.failingFast) this.db.pragma(`busy_timeout = ${ms}`);
  }

  /**
   * From now on, meeting another process's write lock fails at once (BusyError) instead of sleeping
   * synchronously, which stalls the whole event loop, for up to the busy timeout. A server switches
   * this on once it is up and retries on timers; `waitOnLock()` switches it off (e.g. at shutdown).
   */
  failFastOnLock(): void {
    if (this.failingFast) return;
    this.busyTimeoutMs();
    this.db.pragma('busy_timeout = 0');
    this.failingFast = true;
  }

  /** Wait for another process's write lock again, up to the busy timeout. */
  waitOnLock(): void {
    if (!this.failingFast) return;
    this.db.pragma(`busy_timeout = ${this.lockWaitMs}`);
    this.failingFast = false;
  }

  /** Run `fn` waiting for another process's lock as SQLite does (e.g. a server's own bookkeeping), then go back. */
  waitingOnLock<T>(fn: () => T): T {
    if (!this.failingFast) return fn();
    this.waitOnLock();
    try {
      return fn();
    } finally {
      this.failFastOnLock();
    }
  }

  /** Run `hook` before the database closes (e.g. to flush buffered writes). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  close(): void {
    if (!this.db.open) return;
    // Last writes wait for another process's lock rather than fail: nothing is left to stall.
    this.waitOnLock();
    for (const hook of this.closeHooks.splice(0)) hook();
    this.sql.close();
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another process may hold the database; its own close checkpoints.
    }
    this.db.close();
  }
}

export const SERVING_CACHE_KIB = 8000;
/** Page cache for a bulk seed, in KiB: big enough that 100k users' pages stay in memory until the commit. */
const BULK_CACHE_KIB = 256 * 1024;

export function openStore(path: string): Store {
  return new Store(path);
}
