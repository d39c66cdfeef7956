/**
 * The data layer's public face: everything outside src/store imports from here. Behind it sits SQLite
 * (better-sqlite3); nothing in front of it names SQLite, its error codes or SQL, so a second engine
 * could implement the same repositories.
 */
export { Store, openStore } from './store.js';
export { ensureDefaultDirectory, DEFAULT_ENVIRONMENT, DEFAULT_ORGANIZATION } from './bootstrap.js';
export { BusyError, ConflictError, DatabaseError, InvalidReferenceError, NotFoundError, StoreError, TooExpensiveError, isBusy, toStoreError } from './errors.js';
export type { DatabaseProblem, Entity } from './errors.js';
export type { Environment } from './environments.js';
export type { Organization, NewOrganization } from './organizations.js';
export type { Directory, DirectoryDetails, NewDirectory } from './directories.js';
export type { ApiKey, ApiKeyGrant } from './api-keys.js';
export type { AppDirectoryRow, AppOrganizationRow, AppResourceRow } from './app-reads.js';
export { DEFAULT_EVENT_BUDGET, EVENT_TYPES, eventId, parseEventId } from './events.js';
export type { EventQuery, EventRecord, EventType } from './events.js';
export type { Delivery } from './webhooks.js';
export type { ListQuery, ListResult, ResourceKey, ResourceSnapshot, StoredResource } from './resources.js';
export type { Member, MemberType, Membership } from './groups.js';
export { DEFAULT_LOG_BUDGET, LOG_BODY_LIMIT, TRUNCATED_MARKER, isTruncatedLogBody, parseLogId } from './request-log.js';
export { BufferedRequestLog } from './request-log-buffer.js';
export type { BufferedLogOptions } from './request-log-buffer.js';
export type { LogBudget, LogEntry, LogQuery, LogRecord } from './request-log.js';
export type { RunningServer } from './running-servers.js';
