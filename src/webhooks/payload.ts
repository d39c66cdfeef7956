import type { EventRecord } from '../store/index.js';

/**
 * An event as the app receives it (webhook body, app API, `events show --json`):
 * `{id, type, createdAt, environmentId, organizationId, directoryId, requestId, data}`, where data is
 * the resource as the app API shows it (for a membership event, `{group, user}`), plus `previous`
 * (the changed attributes' values before) on an update. data is spliced in as stored: never re-parsed.
 */
export function eventJson(event: EventRecord): string {
  const head = JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: event.createdAt,
    environmentId: event.environmentId,
    organizationId: event.organizationId,
    directoryId: event.directoryId,
    requestId: event.requestId,
  });
  return `${head.slice(0, -1)},"data":${event.data}}`;
}
