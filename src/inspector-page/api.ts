/** The inspector's JSON API, same origin. Replay sends the page's secret (from its meta tag). */
export interface RequestRow {
  id: string;
  seq: number;
  time: string;
  directoryId: string | null;
  method: string;
  path: string;
  query: string | null;
  status: number;
  durationMs: number;
  errorKind: string | null;
}

export interface RequestDetail extends RequestRow {
  requestBody: string | null;
  responseBody: string | null;
  userAgent: string | null;
  remoteAddress: string | null;
  explanation: { meaning: string; entra: string; okta: string } | null;
  replayable: true | string;
  /** The events the request caused, as webhooks deliver them. */
  events: EventPayload[];
  /** The request wrote events, but they have since been trimmed. */
  eventsTrimmed: boolean;
  /** PATCH requests only: the operations as read and what they changed. */
  patch: PatchView | null;
}

export interface EventPayload {
  id: string;
  type: string;
  createdAt: string;
  directoryId: string;
  requestId: string | null;
  data: { id?: string; group?: { id: string; displayName?: string | null }; user?: { id: string; email?: string | null }; [key: string]: unknown };
}

export interface PatchView {
  operations: { op: string; path: string | null; value: unknown }[];
  unreadable: string | null;
  changes: { attribute: string; before: unknown; after: unknown }[];
  members: { added: { id: string; display: string | null }[]; removed: { id: string; display: string | null }[] };
  effect: 'changed' | 'failed' | 'trimmed' | 'unchanged' | 'unreported';
}

export interface ReplayResult {
  original: { id: string; status: number; body: string | null };
  replay: { status: number; durationMs: number; body: string | null };
}

export interface DirectoryRow {
  id: string;
  name: string | null;
  organizationId: string;
  environmentId: string;
  baseUrl: string;
  hasToken: boolean;
  tokenCreatedAt: string | null;
  userCount: number;
  groupCount: number;
  lastRequest: RequestRow | null;
}

export interface ResourceRow {
  id: string;
  userName?: string | null;
  displayName: string | null;
  externalId: string | null;
  active?: boolean;
  deletedAt: string | null;
  updatedAt: string;
}

export interface ResourceDetail {
  resource: Record<string, unknown>;
  deletedAt: string | null;
  memberships: { value: string; display?: string | null; type?: string }[];
  requests: RequestRow[];
  events: { id: string; type: string; createdAt: string; requestId: string | null; memberId: string | null }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const BASE = '/_inspector/api';

export async function get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, v);
  const query = search.toString();
  return parse<T>(await fetch(`${BASE}${path}${query ? `?${query}` : ''}`, { headers: { Accept: 'application/json' } }));
}

export async function replayRequest(id: string): Promise<ReplayResult> {
  const secret = document.querySelector('meta[name="inspector-secret"]')?.getAttribute('content') ?? '';
  return parse<ReplayResult>(await fetch(`${BASE}/requests/${encodeURIComponent(id)}/replay`, { method: 'POST', headers: { 'X-Inspector-Secret': secret } }));
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  return body as T;
}
