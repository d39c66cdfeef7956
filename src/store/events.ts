import { deepEqual } from '../scim/patch/equal.js';
import { groupJson, userJson } from './app-json.js';
import type { Sql } from './sql.js';

export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.user_added',
  'group.user_removed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as the app sees it: `data` is JSON text (the resource as the app API shows it). */
export interface EventRecord {
  id: string;
  seq: number;
  type: EventType;
  createdAt: string;
  environmentId: string;
  organizationId: string;
  directoryId: string;
  resourceId: string;
  memberId: string | null;
  /** The logged SCIM request that caused it (`req_…`); null for seed and CLI changes, or until its log row is written. */
  requestId: string | null;
  /** Set when a SCIM request caused it, so a reader can wait for its log row (requestId). */
  causedByRequest: boolean;
  data: string;
}

export interface EventQuery {
  environmentId?: string | undefined;
  directoryId?: string | undefined;
  types?: readonly string[] | undefined;
  /** Only events of these directories (serve --env/--directory). */
  directoryIds?: readonly string[] | undefined;
  /** Per directory id: only its events after this seq (a forward that resumes where each directory's acknowledgement is). */
  afterSeqOf?: Readonly<Record<string, number>> | undefined;
  /** Only events after this seq (exclusive)… */
  afterSeq?: number | undefined;
  /** …and up to this one (inclusive). */
  upToSeq?: number | undefined;
  limit: number;
  /** Oldest first (the default, for delivery and polling) or newest first (for a person reading a list). */
  newestFirst?: boolean | undefined;
}


/** Event ids are their commit order, padded so they also sort as text: `evt_000000000042`. */
export const eventId = (seq: number) => `evt_${String(seq).padStart(12, '0')}`;

export function parseEventId(id: string): number | undefined {
  const match = /^evt_(\d{1,15})$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** How many events to keep; older ones go, but never one a webhook has not yet acknowledged. */
export const DEFAULT_EVENT_BUDGET = 100_000;
const TRIM_EVERY = 1000;
/** A webhook URL that acknowledged nothing for this long no longer holds back trimming. */
const STALE_CURSOR_MS = 7 * 24 * 3600 * 1000;

const EVENT_COLUMNS = `e.seq, e.type, e.created_at AS createdAt, e.environment_id AS environmentId, e.organization_id AS organizationId,
  e.directory_id AS directoryId, e.resource_id AS resourceId, e.member_id AS memberId, e.request_key IS NOT NULL AS causedByRequest,
  (SELECT 'req_' || r.seq FROM request_log r WHERE r.request_key = e.request_key) AS requestId, e.data`;

/** The top-level attributes whose values differ, with their values before (null when absent). */
export function changedAttributes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> | undefined {
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key !== 'schemas' && !deepEqual(before[key], after[key])) previous[key] = before[key] ?? null;
  }
  return Object.keys(previous).length ? previous : undefined;
}

/**
 * Events: one row per change to a user, a group or a membership, written by the repositories inside
 * the transaction of the change itself, so there is no change without its event and no event
 * without its change. (What webhooks keep about them is in webhooks.ts.)
 */
export class EventRepository {
  /** The SCIM request the events being written belong to (see causedBy). */
  private requestKey: string | null = null;
  private sinceTrim = 0;
  /** Events written by this connection: a caller compares it before and after a write. */
  written = 0;

  constructor(private readonly sql: Sql) {}

  /**
   * Keep at most this many events from now on (older ones go at the next trim). Kept in the
   * database, so every process that writes events (seed, the CLI, another serve) trims to it too.
   */
  keep(budget: number): void {
    this.sql.prepare("INSERT INTO settings (name, value) VALUES ('event_budget', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(String(budget));
  }

  /** How many events the database keeps: the last `keep`, else the default. */
  budget(): number {
    const kept = this.sql.prepare("SELECT value FROM settings WHERE name = 'event_budget'").pluck().get() as string | undefined;
    return kept === undefined ? DEFAULT_EVENT_BUDGET : Number(kept);
  }

  /** Attribute the events `fn` writes to the SCIM request with this key (its request_log row carries it too). */
  causedBy<T>(requestKey: string, fn: () => T): T {
    this.requestKey = requestKey;
    try {
      return fn();
    } finally {
      this.requestKey = null;
    }
  }

  /** A user event; data is the user as it is now (after the change), plus `previous` for an update. */
  user(type: EventType, userId: string, now: string, previous?: Record<string, unknown>): void {
    this.resourceEvent('scim_users', userJson('r'), type, userId, now, previous);
  }

  group(type: EventType, groupId: string, now: string, previous?: Record<string, unknown>): void {
    this.resourceEvent('scim_groups', groupJson('r'), type, groupId, now, previous);
  }

  /** group.user_added / group.user_removed; data is `{group, user}`. */
  membership(type: 'group.user_added' | 'group.user_removed', groupId: string, userId: string, now: string): void {
    this.sql
      .prepare(
        `INSERT INTO events (type, environment_id, organization_id, directory_id, resource_id, member_id, request_key, created_at, data)
         SELECT @type, o.environment_id, d.organization_id, g.directory_id, g.id, u.id, @key, @now, json_object('group', ${groupJson('g')}, 'user', ${userJson('u')})
         FROM scim_groups g JOIN scim_users u ON u.id = @user JOIN scim_directories d ON d.id = g.directory_id JOIN organizations o ON o.id = d.organization_id
         WHERE g.id = @group`,
      )
      .run({ type, group: groupId, user: userId, key: this.requestKey, now });
    this.appended();
  }

  /**
   * Directories about to go (a directory or organization delete): each of their live users and
   * groups gets its user.deleted / group.deleted event, so the app hears of them as of any other
   * delete instead of finding them gone.
   */
  retireDirectories(directoryIds: readonly string[], now: string): void {
    if (directoryIds.length === 0) return;
    for (const [table, type, json] of [
      ['scim_users', 'user.deleted', userJson('r')],
      ['scim_groups', 'group.deleted', groupJson('r')],
    ] as const) {
      // The rows go with the delete that follows, so they are not marked deleted first: the event
      // shows each as the app API would once deleted.
      const { changes } = this.sql
        .prepare(
          `INSERT INTO events (type, environment_id, organization_id, directory_id, resource_id, request_key, created_at, data)
           SELECT @type, o.environment_id, d.organization_id, r.directory_id, r.id, @key, @now, json_set(${json}, '$.deleted', json('true'))
           FROM ${table} r JOIN scim_directories d ON d.id = r.directory_id JOIN organizations o ON o.id = d.organization_id
           WHERE r.directory_id IN (SELECT value FROM json_each(@dirs)) AND r.deleted_at IS NULL ORDER BY r.seq`,
        )
        .run({ type, now, key: this.requestKey, dirs: JSON.stringify(directoryIds) });
      this.appended(changes);
    }
  }

  /**
   * The events about one user or group (as the resource, or as the member added or removed), newest
   * first. It reads every event (an index on them would cost each write more than this occasional
   * read is worth), so it runs on the listing worker, off the server's event loop.
   */
  async aboutResource(id: string, limit: number): Promise<EventRecord[]> {
    const worker = this.sql.listWorker();
    const sql = `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.resource_id = ? OR e.member_id = ? ORDER BY e.seq DESC LIMIT ?`;
    const rows = (await worker.run({ sql, params: [id, id, limit], mode: 'all' }, worker.deadlineFromNow())) as RawEvent[];
    return rows.map(toEvent);
  }

  list(query: EventQuery): EventRecord[] {
    const rows = this.sql
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events e
         WHERE e.seq > @after AND (@upTo IS NULL OR e.seq <= @upTo)
           AND (@env IS NULL OR e.environment_id = @env) AND (@dir IS NULL OR e.directory_id = @dir)
           AND (@dirs IS NULL OR e.directory_id IN (SELECT value FROM json_each(@dirs)))
           AND (@afterOf IS NULL OR e.seq > coalesce((SELECT value FROM json_each(@afterOf) WHERE key = e.directory_id), 0))
           AND (@types IS NULL OR e.type IN (SELECT value FROM json_each(@types)))
         ORDER BY e.seq ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT @limit`,
      )
      .all({
        after: query.afterSeq ?? 0,
        upTo: query.upToSeq ?? null,
        dirs: query.directoryIds ? JSON.stringify(query.directoryIds) : null,
        afterOf: query.afterSeqOf ? JSON.stringify(query.afterSeqOf) : null,
        env: query.environmentId ?? null,
        dir: query.directoryId ?? null,
        types: query.types?.length ? JSON.stringify(query.types) : null,
        limit: query.limit,
      }) as RawEvent[];
    return rows.map(toEvent);
  }

  get(seq: number): EventRecord | undefined {
    const row = this.sql.prepare(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.seq = ?`).get(seq) as RawEvent | undefined;
    return row && toEvent(row);
  }

  /** The seq of the newest event (0 when there is none): a cheap check for anything new. */
  latestSeq(): number {
    return (this.sql.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number) ?? 0;
  }


  /**
   * The events one logged request caused (by its row's request key), oldest first; none for a request
   * that changed nothing or whose events were trimmed. The events table has no index on the key, so
   * it reads every event: on the listing worker, off the server's event loop.
   */
  async ofRequest(requestKey: string | null, limit = 1000): Promise<EventRecord[]> {
    if (requestKey === null) return [];
    const worker = this.sql.listWorker();
    const sql = `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.request_key = ? ORDER BY e.seq LIMIT ?`;
    const rows = (await worker.run({ sql, params: [requestKey, limit], mode: 'all' }, worker.deadlineFromNow())) as RawEvent[];
    return rows.map(toEvent);
  }

  /**
   * Keep at most `budget` events: the oldest go first, but never one that a webhook URL has not
   * acknowledged yet (a forward that is behind keeps its backlog), unless that URL has acknowledged
   * nothing for a week: a URL forwarded to once must not keep every event forever. Each cursor counts
   * on its own: a URL's (what a serve of every directory acknowledged, or its start) and each of its
   * directories' (a limited serve; never behind the URL's). Everything after the oldest event one of
   * them still needs is kept. Returns how many went.
   */
  trim(budget = this.budget(), now = Date.now()): number {
    const since = new Date(now - STALE_CURSOR_MS).toISOString();
    return this.sql
      .prepare(
        `DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - @budget
           AND seq <= coalesce((SELECT min(acknowledged_seq) FROM webhook_cursors WHERE updated_at >= @since), 9e18)
           AND seq <= coalesce((SELECT min(max(d.acknowledged_seq, coalesce(w.acknowledged_seq, 0))) FROM webhook_directory_cursors d
                                LEFT JOIN webhook_cursors w ON w.url = d.url WHERE d.updated_at >= @since), 9e18)`,
      )
      .run({ budget, since }).changes;
  }

  private resourceEvent(table: 'scim_users' | 'scim_groups', json: string, type: EventType, id: string, now: string, previous: Record<string, unknown> | undefined): void {
    this.sql
      .prepare(
        `INSERT INTO events (type, environment_id, organization_id, directory_id, resource_id, request_key, created_at, data)
         SELECT @type, o.environment_id, d.organization_id, r.directory_id, r.id, @key, @now,
                CASE WHEN @previous IS NULL THEN ${json} ELSE json_set(${json}, '$.previous', json(@previous)) END
         FROM ${table} r JOIN scim_directories d ON d.id = r.directory_id JOIN organizations o ON o.id = d.organization_id WHERE r.id = @id`,
      )
      .run({ type, id, key: this.requestKey, now, previous: previous ? JSON.stringify(previous) : null });
    this.appended();
  }

  private appended(count = 1): void {
    this.written += count;
    this.sinceTrim += count;
    if (this.sinceTrim >= TRIM_EVERY) {
      this.sinceTrim = 0;
      this.trim();
    }
  }
}


interface RawEvent extends Omit<EventRecord, 'id' | 'causedByRequest'> {
  causedByRequest: number;
}

const toEvent = (row: RawEvent): EventRecord => ({ ...row, id: eventId(row.seq), causedByRequest: row.causedByRequest === 1 });
