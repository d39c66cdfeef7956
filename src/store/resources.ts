import type { Filter } from '../scim/filter/ast.js';
import type { ResourceKind } from '../scim/schemas.js';
import { ConflictError, NotFoundError, isForeignKeyViolation, isUniqueViolation, type Entity } from './errors.js';
import { compileFilter, compileSort } from './filter-sql.js';
import { DEADLINE_FUNCTION, type ListWorker, type Statement } from './list-worker.js';
import type { Sql } from './sql.js';

/** A user or group as stored: its SCIM attributes (without id and meta) plus server-owned fields. */
export interface StoredResource {
  id: string;
  directoryId: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Set when the IdP deleted it: SCIM clients no longer see it; the app API and the CLI still do. */
  deletedAt: string | null;
}

/** Names one user or group of one directory. */
export interface ResourceKey {
  id: string;
  directoryId: string;
}

/** A resource's stored state as seed and export compare it: the name it is matched by and its attributes JSON. */
export interface ResourceSnapshot {
  id: string;
  /** userName for users, displayName for groups. */
  name: string;
  attributesJson: string;
}

/** Options of a write that seeding needs: an id chosen ahead (members may name it), and JSON already made. */
export interface WriteOptions {
  id?: string | undefined;
  json?: string | undefined;
}

export interface ResourceRow {
  id: string;
  directory_id: string;
  attributes: string;
  created_at: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
}

export interface ListQuery {
  filter?: Filter | undefined;
  sortBy?: string | undefined;
  sortOrder?: 'ascending' | 'descending' | undefined;
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
  /** Deleted resources too (the CLI's --include-deleted); SCIM clients never see them. */
  includeDeleted?: boolean | undefined;
}

export interface ListResult {
  total: number;
  resources: StoredResource[];
}

export const RESOURCE_COLUMNS = 'id, directory_id, attributes, created_at, updated_at, version, deleted_at';
const RESOURCE_COLUMNS_R = 'r.id, r.directory_id, r.attributes, r.created_at, r.updated_at, r.version, r.deleted_at';

export const toResource = (row: ResourceRow): StoredResource => ({
  id: row.id,
  directoryId: row.directory_id,
  attributes: JSON.parse(row.attributes) as Record<string, unknown>,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  version: row.version,
  deletedAt: row.deleted_at,
});

export const TABLES: Record<ResourceKind, 'scim_users' | 'scim_groups'> = { User: 'scim_users', Group: 'scim_groups' };

/**
 * Filtered, sorted, paged listing. The filter compiles to parameterised SQL that runs on the indexes.
 * The page is found first as row numbers (on the (directory_id, seq) index when nothing else is
 * needed), and only its rows are read: a deep page never reads the rows it skips.
 */
export function listResources(sql: Sql, kind: ResourceKind, directoryId: string, query: ListQuery): ListResult {
  const steps = listSteps(kind, directoryId, query, false);
  let step = steps.next();
  while (!step.done) {
    const { sql: text, params, mode } = step.value;
    const statement = sql.prepare(text);
    step = steps.next(mode === 'pluck' ? statement.pluck().get(...params) : statement.all(...params));
  }
  return step.value;
}

/**
 * The same listing, on the worker thread when it must read every row of the directory (a filter or
 * sort on attributes no index holds): the event loop stays free meanwhile, and a listing that runs
 * past the worker's deadline fails as TooExpensiveError. Index-driven listings run at once, inline.
 */
export async function listResourcesOffThread(sql: Sql, worker: ListWorker, kind: ResourceKind, directoryId: string, query: ListQuery): Promise<ListResult> {
  if (!needsScan(kind, query)) return listResources(sql, kind, directoryId, query);
  const steps = listSteps(kind, directoryId, query, true);
  // One deadline for the whole listing, however many statements (count, page) it takes.
  const deadline = worker.deadlineFromNow();
  let step = steps.next();
  while (!step.done) step = steps.next(await worker.run(step.value, deadline));
  return step.value;
}

/** The statements of one listing, in order; each yield gets the statement's result back. */
function* listSteps(kind: ResourceKind, directoryId: string, query: ListQuery, guarded: boolean): Generator<Statement, ListResult, unknown> {
  const compiled = query.filter ? compileFilter(query.filter, kind) : { sql: '1', params: [] };
  // Off the main thread, every row the filter tests first checks the deadline, so a long scan ends itself.
  const where = guarded ? `${DEADLINE_FUNCTION}() AND (${compiled.sql})` : compiled.sql;
  // Live rows only (unless asked): the partial (directory_id, seq) index holds exactly those.
  const live = query.includeDeleted ? '' : ' AND r.deleted_at IS NULL';
  const from = `FROM ${TABLES[kind]} r WHERE r.directory_id = ?${live} AND (${where})`;
  const params = [directoryId, ...compiled.params];
  const count: Statement = { sql: `SELECT count(*) ${from}`, params, mode: 'pluck' };
  if (query.count === 0) return { total: (yield count) as number, resources: [] };
  // Past the end (startIndex=1e18, say): the count alone answers, without walking any rows.
  const total = query.startIndex > 1 ? ((yield count) as number) : undefined;
  if (total !== undefined && query.startIndex > total) return { total, resources: [] };
  const direction = query.sortOrder === 'descending' ? 'DESC' : 'ASC';
  const order = query.sortBy ? `${compileSort(query.sortBy, kind)} ${direction}, r.seq` : 'r.seq';
  const page: Statement = {
    // LIMIT as a literal (an integer the caller capped): SQLite runs a bound LIMIT ~2x slower.
    sql: `SELECT ${RESOURCE_COLUMNS_R} FROM ${TABLES[kind]} r
          WHERE r.seq IN (SELECT r.seq ${from} ORDER BY ${order} LIMIT ${pageSize(query.count)} OFFSET ?) ORDER BY ${order}`,
    params: [...params, query.startIndex - 1],
    mode: 'all',
  };
  const rows = (yield page) as ResourceRow[];
  // A short first page is the whole result: no second query (Entra's match-by-userName is exactly this).
  return { total: total ?? (rows.length < query.count ? rows.length : ((yield count) as number)), resources: rows.map(toResource) };
}

/**
 * Attributes a unique index holds for each kind: `eq` on one finds at most one row. (externalId has
 * an index too, but nothing stops a directory from giving 100k users the same one.)
 */
const UNIQUE: Record<ResourceKind, ReadonlySet<string>> = {
  User: new Set(['id', 'username']),
  Group: new Set(['id', 'displayname']),
};

/**
 * Must the listing read every row of the directory? Not when there is no filter and no sort (the page
 * comes from the index), nor when the filter pins a unique attribute with `eq` (on its own or in an
 * `and`): Entra's match-by-userName, the hottest request, stays inline.
 */
function needsScan(kind: ResourceKind, query: ListQuery): boolean {
  if (!query.filter) return query.sortBy !== undefined;
  return !pinsIndexedAttribute(kind, query.filter);
}

function pinsIndexedAttribute(kind: ResourceKind, filter: Filter): boolean {
  if (filter.kind === 'and') return pinsIndexedAttribute(kind, filter.left) || pinsIndexedAttribute(kind, filter.right);
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.sub !== undefined) return false;
  return UNIQUE[kind].has(filter.path.attr.toLowerCase());
}

function pageSize(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`invalid page size ${count}`);
  return count;
}

/** What a write into a directory's users or groups can run into. */
export interface WriteGuard {
  entity: Entity;
  directoryId: string;
  /** The field a unique index guards, its value, and the words for a clash. */
  field: string;
  value: string;
  taken: () => string;
}

/**
 * Run a write; a unique-index violation becomes a ConflictError on the guarded field, and a
 * foreign-key violation (the directory was deleted while the write waited for the lock) a
 * NotFoundError for the directory.
 */
export function guarded<T>(guard: WriteGuard, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(guard.entity, guard.field, guard.value, guard.taken());
    if (isForeignKeyViolation(error)) throw new NotFoundError('directory', guard.directoryId);
    throw error;
  }
}
