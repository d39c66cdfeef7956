import type { Request } from 'express';
import { eventId, parseEventId, type Store } from '../../store/index.js';
import type { Grant } from './auth.js';
import { eventJson } from '../../webhooks/payload.js';
import { invalidArgument } from './errors.js';
import { queryParam } from './params.js';
import { JsonText } from './shapes.js';

export const EVENTS_DEFAULT_LIMIT = 10;
export const EVENTS_MAX_LIMIT = 100;

/**
 * GET /v1/events?after=<event id>&limit=<n>: the key's environment's events after the cursor, oldest
 * first, for apps that poll rather than take webhooks. nextCursor is the last event returned (or the
 * given cursor when there is nothing new), to pass as `after` next time. The payloads are the
 * webhooks' own, spliced in as stored.
 */
export function listEvents(store: Store, grant: Grant, req: Request): JsonText {
  const after = queryParam(req, 'after');
  const afterSeq = after === undefined ? 0 : parseEventId(after);
  if (afterSeq === undefined) throw invalidArgument(`bad after: "${after}" is not an event id (evt_…); pass the nextCursor of the previous answer`);
  const limitText = queryParam(req, 'limit');
  const limit = limitText === undefined ? EVENTS_DEFAULT_LIMIT : /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= EVENTS_MAX_LIMIT)) throw invalidArgument(`bad limit: "${limitText}"; give a whole number from 1 to ${EVENTS_MAX_LIMIT}`);
  // A serve limited by --env/--directory shows only its directories' events, as it does their users.
  const events = store.events.list({ environmentId: grant.environmentId, directoryIds: grant.directoryIds, afterSeq, limit });
  const last = events[events.length - 1];
  const nextCursor = last ? eventId(last.seq) : (after ?? '');
  return new JsonText(`{"events":[${events.map(eventJson).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
}
