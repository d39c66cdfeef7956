import type { Statement } from 'better-sqlite3';
import type { IdGenerator } from '../core/ids.js';
import { ListWorker } from './list-worker.js';
import type { Sqlite } from './open.js';
import type { Sql } from './sql.js';

/** How many prepared statements a connection keeps; the oldest goes first. */
const STATEMENT_CACHE = 500;

/**
 * The repositories' side of one open database: cached prepared statements, transactions and the
 * listing worker. It stays inside src/store; the Store hands it to each repository and shows the
 * rest of the program only the repositories.
 */
export class Connection implements Sql {
  private readonly statements = new Map<string, Statement>();
  /** See Store.checkingWrites. */
  writeCheck: (() => void) | undefined;
  private worker: ListWorker | undefined;

  constructor(
    readonly db: Sqlite,
    readonly ids: IdGenerator,
    private readonly path: string,
    private readonly listDeadlineMs: number | undefined,
  ) {}

  /** A cached prepared statement. Filter SQL is cached too: it carries values only as parameters. */
  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Run `fn` in one IMMEDIATE transaction: all of it lands or none of it. Inside another transaction
   * it simply joins it (no savepoint): an error still rolls the whole outer transaction back. The
   * write check, if one is set, runs first, once the write lock is held.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const check = this.writeCheck;
    return this.db
      .transaction(() => {
        check?.();
        return fn();
      })
      .immediate();
  }

  listWorker(): ListWorker {
    return (this.worker ??= new ListWorker(this.path, this.listDeadlineMs));
  }

  close(): void {
    this.worker?.close();
    this.statements.clear();
  }
}
