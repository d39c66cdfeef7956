import { ApiError, get, replayRequest, type DirectoryRow, type EventPayload, type PatchView, type ReplayResult, type RequestDetail, type RequestRow, type ResourceDetail, type ResourceRow } from './api.js';
import { lineDiff } from './diff.js';
import { append, h, pretty, replace, statusClass } from './dom.js';

/**
 * The scimctl inspector: a hash-routed page in plain DOM. Views: #/requests (live), #/requests/<id>,
 * #/directories, #/directories/<dir>/users|groups (SCIM filter search), and one user or group.
 * Every value from the server is placed with text nodes (see dom.ts).
 */

/** Rows the requests list keeps in the DOM; paging on past them drops the newest off the top. */
const MAX_ROWS = 1000;
const PAGE = 50;
/** Rows an "Older requests" click loads. */
const OLDER_PAGE = 200;

interface Filters {
  directory: string;
  status: string;
  method: string;
  errorKind: string;
  q: string;
}

/** The page's state, in one object (the view being shown, the live feed, the requests list). */
const state = {
  view: 0,
  feed: undefined as EventSource | undefined,
  /** The filters the live feed was opened with (as a query string): the server filters the rows it sends. */
  feedFilters: undefined as string | undefined,
  firstPaint: undefined as number | undefined,
  /** The requests view's handler for a live row, while it is shown. */
  onRequest: undefined as ((r: RequestRow) => void) | undefined,
};

const root = document.getElementById('app')!;
const main = h('main', { id: 'view' });
const live = h('span', { class: 'live', id: 'live-status' }, 'connecting…');
append(root, [
  h('header', {}, h('strong', {}, 'scimctl inspector'), h('nav', {}, h('a', { href: '#/requests' }, 'Requests'), h('a', { href: '#/directories' }, 'Directories')), live),
  main,
]);

function route(): void {
  const view = ++state.view;
  const [path, queryText] = (location.hash.replace(/^#/, '') || '/requests').split('?');
  const query = new URLSearchParams(queryText ?? '');
  const parts = (path ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const stale = () => view !== state.view;
  let rendering: Promise<void>;
  if (parts[0] === 'requests' && parts[1]) rendering = requestView(parts[1], stale);
  else if (parts[0] === 'directories' && parts[1] && (parts[2] === 'users' || parts[2] === 'groups') && parts[3]) rendering = resourceView(parts[1], parts[2], parts[3], stale);
  else if (parts[0] === 'directories' && parts[1] && (parts[2] === 'users' || parts[2] === 'groups')) rendering = resourcesView(parts[1], parts[2], query, stale);
  else if (parts[0] === 'directories') rendering = directoriesView(stale);
  else rendering = requestsView(query, stale);
  const list = parts[0] !== 'directories' && !(parts[0] === 'requests' && parts[1]);
  // The requests list opens the feed with its filters once its first page is read; other views take it as it is.
  if (!state.feed && !list) connect('');
  rendering.catch((error: unknown) => {
    if (!stale()) replace(main, h('p', { class: 'error', role: 'alert' }, error instanceof ApiError ? `Error ${error.status}: ${error.message}` : String(error)));
  });
}

function link(href: string, ...children: (string | Node)[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}

function requestHref(id: string): string {
  return `#/requests/${encodeURIComponent(id)}`;
}

function rowOf(r: RequestRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-id': r.id },
    h('td', { class: 'time' }, r.time.replace('T', ' ').replace('Z', '')),
    h('td', {}, r.method),
    h('td', { class: 'path' }, link(requestHref(r.id), r.path + (r.query ? `?${r.query}` : ''))),
    h('td', { class: statusClass(r.status) }, r.status),
    h('td', { class: 'num' }, `${r.durationMs.toFixed(1)} ms`),
    h('td', {}, r.errorKind ?? ''),
    h('td', { class: 'dir' }, r.directoryId ?? ''),
  );
}

async function loadDirectories(): Promise<DirectoryRow[]> {
  return (await get<{ items: DirectoryRow[] }>('/directories')).items;
}

function select(name: string, label: string, value: string, options: [string, string][]): HTMLLabelElement {
  const el = h('select', { name });
  for (const [v, text] of options) {
    const option = h('option', { value: v }, text);
    if (v === value) option.selected = true;
    el.appendChild(option);
  }
  return h('label', {}, label, el);
}

async function requestsView(query: URLSearchParams, stale: () => boolean): Promise<void> {
  const f: Filters = { directory: query.get('directory') ?? '', status: query.get('status') ?? '', method: query.get('method') ?? '', errorKind: query.get('errorKind') ?? '', q: query.get('q') ?? '' };
  // Both at once: the first paint waits for the slower of the two, not their sum.
  const [directories, first] = await Promise.all([loadDirectories(), get<{ items: RequestRow[]; next: string | null; lastSeq: number }>('/requests', { ...f, limit: String(PAGE) })]);
  if (stale()) return;
  const list = requestList(f, stale);
  list.add(first.items, first.next);
  replace(
    main,
    h('h1', {}, 'Requests'),
    filterForm(f, directories),
    list.newest,
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ...['Time (UTC)', 'Method', 'Path', 'Status', 'Duration', 'Error', 'Directory'].map((t) => h('th', {}, t)))), list.body),
    list.empty,
    list.older,
  );
  state.onRequest = (r: RequestRow) => {
    if (!stale()) list.live(r);
  };
  follow(f, first.lastSeq);
  markFirstPaint();
}

function filterForm(f: Filters, directories: DirectoryRow[]): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filters', id: 'request-filters' },
    select('directory', 'Directory', f.directory, [['', 'all'], ...directories.map((d): [string, string] => [d.id, d.name ? `${d.name} (${d.id})` : d.id])]),
    select('status', 'Status', f.status, [['', 'any'], ['2xx', '2xx'], ['3xx', '3xx'], ['4xx', '4xx'], ['5xx', '5xx']]),
    select('method', 'Method', f.method, [['', 'any'], ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m): [string, string] => [m, m])]),
    h('label', {}, 'Error kind', h('input', { name: 'errorKind', value: f.errorKind, placeholder: 'e.g. uniqueness', size: 14 })),
    h('label', {}, 'Text', h('input', { name: 'q', type: 'search', value: f.q, placeholder: 'path, query or body', size: 24 })),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v !== '') params.set(k, v);
    location.hash = `#/requests${params.size ? `?${params}` : ''}`;
  });
  form.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement) form.requestSubmit();
  });
  return form;
}

/**
 * The requests table: at most MAX_ROWS rows in the DOM. "Older requests" pages on through the whole
 * log; past MAX_ROWS it drops the newest rows off the top, and the list is no longer at the head:
 * live rows are then counted on the "Newest requests" button instead of shifting the view, and a
 * click on it shows the head again. At the head, live rows go on top and the oldest drop off the bottom.
 */
function requestList(f: Filters, stale: () => boolean) {
  const body = h('tbody', { id: 'requests' });
  const older = h('button', { type: 'button', id: 'older' }, 'Older requests');
  const newest = h('button', { type: 'button', id: 'newest', hidden: true }, 'Newest requests');
  const empty = h('p', { class: 'empty', id: 'no-requests' }, 'No requests yet. They appear here as they arrive.');
  const at = { head: true, unseen: 0, loading: false };
  const lastId = () => (body.lastElementChild as HTMLElement | null)?.dataset.id;
  const add = (rows: RequestRow[], next: string | null) => {
    for (const r of rows) body.appendChild(rowOf(r));
    while (body.rows.length > MAX_ROWS) {
      body.firstElementChild!.remove();
      at.head = false;
    }
    older.hidden = next === null;
    newest.hidden = at.head;
    empty.hidden = body.rows.length > 0;
  };
  older.addEventListener('click', () => {
    const before = lastId();
    if (before === undefined || at.loading) return;
    at.loading = true;
    void get<{ items: RequestRow[]; next: string | null }>('/requests', { ...f, limit: String(OLDER_PAGE), before })
      .then((page) => {
        if (!stale()) add(page.items, page.next);
      })
      .finally(() => {
        at.loading = false;
      });
  });
  newest.addEventListener('click', () => {
    route();
    window.scrollTo(0, 0);
  });
  const live = (r: RequestRow) => {
    if (body.querySelector(`tr[data-id="${r.id}"]`)) return;
    if (!at.head) {
      replace(newest, `Newest requests (${++at.unseen} new)`);
      return;
    }
    body.insertBefore(rowOf(r), body.firstChild);
    empty.hidden = true;
    if (body.rows.length <= MAX_ROWS) return;
    while (body.rows.length > MAX_ROWS) body.lastElementChild!.remove();
    older.hidden = false;
  };
  return { body, older, newest, empty, add, live };
}

function field(label: string, ...value: (string | Node)[]): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function code(text: string, id?: string): HTMLPreElement {
  return h('pre', { class: 'json', ...(id ? { id } : {}) }, text);
}

async function requestView(id: string, stale: () => boolean): Promise<void> {
  const r = await get<RequestDetail>(`/requests/${encodeURIComponent(id)}`);
  if (stale()) return;
  const replayArea = h('section', { id: 'replay' });
  const button = replayButton(r, replayArea);
  const info = requestFields(r);
  replace(
    main,
    h('p', {}, link('#/requests', '← Requests')),
    h('h1', {}, `${r.method} ${r.path}`),
    info,
    r.explanation
      ? h('section', { class: 'explain' }, h('h2', {}, 'What this status means'), h('p', {}, r.explanation.meaning), h('p', {}, h('strong', {}, 'Entra: '), r.explanation.entra), h('p', {}, h('strong', {}, 'Okta: '), r.explanation.okta))
      : null,
    r.patch ? patchSection(r.patch) : null,
    eventsSection(r.events, r.eventsTrimmed),
    button,
    replayArea,
    h('div', { class: 'side' }, h('div', {}, h('h2', {}, 'Request body'), code(pretty(r.requestBody) || '(no body)', 'request-body')), h('div', {}, h('h2', {}, 'Response body'), code(pretty(r.responseBody) || '(no body)', 'response-body'))),
  );
}

/** The Replay button: disabled, with why beside it, when the request cannot be sent again; a click shows the outcome in `replayArea`. */
function replayButton(r: RequestDetail, replayArea: HTMLElement): HTMLElement {
  const button = h('button', { type: 'button', id: 'replay-button' }, 'Replay');
  if (r.replayable !== true) {
    button.disabled = true;
    button.title = r.replayable;
    return h('p', {}, button, ' ', h('span', { id: 'replay-why' }, `Not replayed: ${r.replayable}.`));
  }
  button.addEventListener('click', () => {
    button.disabled = true;
    replace(replayArea, h('p', {}, 'Replaying…'));
    replayRequest(r.id)
      .then((result) => showReplay(replayArea, result))
      .catch((error: unknown) => replace(replayArea, h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error))))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

/** The original answer and the replay's, side by side, and a line diff of their bodies. */
function showReplay(replayArea: HTMLElement, result: ReplayResult): void {
  const before = pretty(result.original.body);
  const after = pretty(result.replay.body);
  const diff = lineDiff(before, after);
  replace(
    replayArea,
    h('h2', {}, 'Replay'),
    h(
      'div',
      { class: 'side' },
      h('div', {}, h('h3', {}, 'Original ', h('span', { class: statusClass(result.original.status) }, result.original.status)), code(before || '(no body)')),
      h('div', {}, h('h3', {}, 'Replay ', h('span', { class: statusClass(result.replay.status), id: 'replay-status' }, result.replay.status), ` in ${result.replay.durationMs} ms`), code(after || '(no body)', 'replay-body')),
    ),
    h('h3', {}, 'Diff'),
    diff
      ? h('pre', { class: 'diff', id: 'replay-diff' }, ...diff.map((line) => h('span', { class: line.op === '+' ? 'add' : line.op === '-' ? 'del' : 'same' }, `${line.op} ${line.text}\n`)))
      : h('p', {}, 'The bodies are too large to diff here.'),
  );
}

/** The request's fields as a definition list, its status last. */
function requestFields(r: RequestDetail): HTMLElement {
  const info = h('dl', { class: 'fields' });
  for (const [label, value] of [
    ['Time', r.time],
    ['Method', r.method],
    ['Path', r.path],
    ['Query', r.query ?? ''],
    ['Directory', r.directoryId ?? '(none)'],
    ['Duration', `${r.durationMs} ms`],
    ['User agent', r.userAgent ?? ''],
    ['Remote address', r.remoteAddress ?? ''],
    ['Error kind', r.errorKind ?? ''],
  ] as const) {
    append(info, field(label, value));
  }
  append(info, field('Status', h('span', { class: statusClass(r.status), id: 'status' }, r.status)));
  return info;
}

/** A value on one line: JSON, or "(none)" for null. */
function oneLine(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}

/** A PATCH request's operations as the server read them, and the before/after of what they changed (from its events). */
function patchSection(p: PatchView): HTMLElement {
  const members = [...p.members.added.map((m) => `+ member ${m.display ?? m.id} (${m.id})`), ...p.members.removed.map((m) => `- member ${m.display ?? m.id} (${m.id})`)];
  return h(
    'section',
    { id: 'patch' },
    h('h2', {}, 'PATCH operations'),
    p.unreadable
      ? h('p', { class: 'error' }, `Operations not shown: ${p.unreadable}.`)
      : p.operations.length
        ? h('ol', { id: 'patch-operations' }, ...p.operations.map((o) => h('li', {}, h('strong', {}, o.op || '(no op)'), ` ${o.path ?? '(no path)'}`, o.op === 'remove' && o.value === null ? '' : ` = ${oneLine(o.value)}`)))
        : h('p', {}, 'No operations.'),
    h('h3', {}, 'What it changed'),
    p.changes.length || members.length
      ? h('pre', { class: 'diff', id: 'patch-changes' }, ...p.changes.map((c) => h('span', { class: 'same' }, `${c.attribute}: ${oneLine(c.before)} → ${oneLine(c.after)}\n`)), ...members.map((line) => h('span', { class: line.startsWith('+') ? 'add' : 'del' }, `${line}\n`)))
      : h('p', { id: 'patch-changes' }, NO_CHANGES[p.effect]),
  );
}

/** What the page says of a PATCH whose events list no change, by what the server knows of it. */
const NO_CHANGES: Record<PatchView['effect'], string> = {
  changed: 'Nothing that events report.',
  failed: 'Nothing: the request failed, so none of its operations were applied.',
  trimmed: "Not known: the request changed something, but its events have since been trimmed, so the before and after can't be shown.",
  unchanged: 'Nothing: the request succeeded without a change, as the resource was already as the operations asked.',
  unreported: 'No events were recorded for this request: either the group was already as the operations asked, or its change was one that events do not report: a group added to or removed from the group.',
};

/** Where an event's resource is shown in the inspector. */
function eventResourceHref(e: EventPayload): string | undefined {
  const dir = encodeURIComponent(e.directoryId);
  if (e.type.startsWith('user.') && e.data.id) return `#/directories/${dir}/users/${encodeURIComponent(e.data.id)}`;
  if (e.type.startsWith('group.') && e.data.group) return `#/directories/${dir}/groups/${encodeURIComponent(e.data.group.id)}`;
  if (e.type.startsWith('group.') && e.data.id) return `#/directories/${dir}/groups/${encodeURIComponent(e.data.id)}`;
  return undefined;
}

function eventsSection(events: EventPayload[], trimmed: boolean): HTMLElement {
  return h(
    'section',
    { id: 'request-events' },
    h('h2', {}, 'Events'),
    events.length
      ? h(
          'ul',
          { class: 'events' },
          ...events.map((e) => {
            const href = eventResourceHref(e);
            const label = e.data.group ? `group ${e.data.group.displayName ?? e.data.group.id}, user ${e.data.user?.email ?? e.data.user?.id ?? ''}` : String(e.data.id ?? '');
            return h('li', {}, `${e.id} ${e.type} `, href ? link(href, label) : label);
          }),
        )
      : h('p', { id: 'no-events' }, trimmed ? 'None kept: this request wrote events, but they have since been trimmed.' : 'None: this request wrote no events (a read, a failed request, a change to nothing, or a change that events do not report, such as a group added to a group).'),
  );
}

async function directoriesView(stale: () => boolean): Promise<void> {
  const directories = await loadDirectories();
  if (stale()) return;
  replace(
    main,
    h('h1', {}, 'Directories'),
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, ...['Directory', 'Name', 'Base URL', 'Users', 'Groups', 'Token', 'Last request'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...directories.map((d) =>
          h(
            'tr',
            {},
            h('td', { class: 'dir' }, d.id),
            h('td', {}, d.name ?? ''),
            h('td', { class: 'path' }, d.baseUrl),
            h('td', { class: 'num' }, link(`#/directories/${encodeURIComponent(d.id)}/users`, String(d.userCount))),
            h('td', { class: 'num' }, link(`#/directories/${encodeURIComponent(d.id)}/groups`, String(d.groupCount))),
            h('td', {}, d.hasToken ? `set ${d.tokenCreatedAt ?? ''}` : 'none'),
            h('td', {}, d.lastRequest ? link(requestHref(d.lastRequest.id), `${d.lastRequest.time} ${d.lastRequest.method} ${d.lastRequest.status}`) : 'never'),
          ),
        ),
      ),
    ),
  );
  markFirstPaint();
}

async function resourcesView(directoryId: string, kind: 'users' | 'groups', query: URLSearchParams, stale: () => boolean): Promise<void> {
  const filter = query.get('filter') ?? '';
  const startIndex = Math.max(1, Number(query.get('startIndex') ?? '1') || 1);
  const base = `#/directories/${encodeURIComponent(directoryId)}/${kind}`;
  const form = h(
    'form',
    { class: 'filters', id: 'resource-search' },
    h('label', {}, 'SCIM filter', h('input', { name: 'filter', type: 'search', value: filter, size: 48, placeholder: kind === 'users' ? 'userName sw "a" and active eq true' : 'displayName co "eng"' })),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = String(new FormData(form).get('filter') ?? '');
    location.hash = `${base}${value ? `?${new URLSearchParams({ filter: value })}` : ''}`;
  });
  const heading = [h('p', {}, link('#/directories', '← Directories')), h('h1', {}, `${kind === 'users' ? 'Users' : 'Groups'} of ${directoryId}`), form];
  let page: { total: number; items: ResourceRow[] };
  try {
    // Deleted ones are listed too, but a filter searches live ones only, as SCIM does: no index
    // holds the names of both, and a search over 100k users would read every row (0.4-0.8 s).
    const scope = filter ? {} : { deleted: 'true' };
    page = await get<{ total: number; items: ResourceRow[] }>(`/directories/${encodeURIComponent(directoryId)}/${kind}`, { filter, startIndex: String(startIndex), count: String(PAGE), ...scope });
  } catch (error) {
    if (stale()) return;
    replace(main, ...heading, h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    return;
  }
  if (stale()) return;
  const pageHref = (start: number) => `${base}?${new URLSearchParams({ ...(filter ? { filter } : {}), startIndex: String(start) })}`;
  const columns = kind === 'users' ? ['Id', 'userName', 'displayName', 'externalId', 'Active', 'Updated'] : ['Id', 'displayName', 'externalId', 'Updated'];
  replace(
    main,
    ...heading,
    h('p', { id: 'result-count' }, `${page.total} ${kind}${page.total ? `, ${startIndex}–${startIndex + page.items.length - 1}` : ''}`),
    h(
      'table',
      { class: 'list', id: 'resources' },
      h('thead', {}, h('tr', {}, ...columns.map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        ...page.items.map((r) =>
          h(
            'tr',
            { class: r.deletedAt ? 'deleted' : '' },
            h('td', { class: 'dir' }, link(`${base}/${encodeURIComponent(r.id)}`, r.id)),
            ...(kind === 'users' ? [h('td', {}, r.userName ?? ''), h('td', { class: 'display-name' }, r.displayName ?? ''), h('td', {}, r.externalId ?? ''), h('td', {}, r.deletedAt ? 'deleted' : r.active ? 'yes' : 'no')] : [h('td', { class: 'display-name' }, r.displayName ?? ''), h('td', {}, r.externalId ?? '')]),
            h('td', { class: 'time' }, r.updatedAt),
          ),
        ),
      ),
    ),
    h('p', { class: 'pager' }, startIndex > 1 ? link(pageHref(Math.max(1, startIndex - PAGE)), '← Previous') : null, ' ', startIndex + page.items.length <= page.total && page.items.length ? link(pageHref(startIndex + PAGE), 'Next →') : null),
  );
  markFirstPaint();
}

async function resourceView(directoryId: string, kind: 'users' | 'groups', id: string, stale: () => boolean): Promise<void> {
  const r = await get<ResourceDetail>(`/directories/${encodeURIComponent(directoryId)}/${kind}/${encodeURIComponent(id)}`);
  if (stale()) return;
  const other = kind === 'users' ? 'groups' : 'users';
  replace(
    main,
    h('p', {}, link(`#/directories/${encodeURIComponent(directoryId)}/${kind}`, `← ${kind === 'users' ? 'Users' : 'Groups'}`)),
    h('h1', {}, String(r.resource.displayName ?? r.resource.userName ?? id)),
    r.deletedAt ? h('p', { class: 'error' }, `Deleted at ${r.deletedAt}`) : null,
    h('h2', {}, kind === 'users' ? 'Groups' : 'Members'),
    r.memberships.length
      ? h('ul', { id: 'memberships' }, ...r.memberships.map((m) => h('li', {}, link(`#/directories/${encodeURIComponent(directoryId)}/${m.type === 'Group' ? 'groups' : other}/${encodeURIComponent(m.value)}`, m.display ?? m.value))))
      : h('p', {}, 'none'),
    h('h2', {}, 'History'),
    h('table', { class: 'list', id: 'history' }, h('tbody', {}, ...r.requests.map(rowOf))),
    r.events.length ? h('ul', { class: 'events' }, ...r.events.map((e) => h('li', {}, `${e.createdAt} ${e.type}${e.memberId ? ` (${e.memberId})` : ''} `, e.requestId ? link(requestHref(e.requestId), e.requestId) : ''))) : null,
    h('h2', {}, 'JSON'),
    code(JSON.stringify(r.resource, null, 2), 'resource-json'),
  );
}

function markFirstPaint(): void {
  if (state.firstPaint !== undefined) return;
  state.firstPaint = performance.now();
  document.documentElement.dataset.firstPaintMs = String(Math.round(state.firstPaint));
}

/**
 * The live feed, filtered by the server exactly as the list is (the text filter searches both bodies
 * there): reopened when the filters change, from `lastSeq` (the newest row when the list was read),
 * so no row written meanwhile is missed. The browser reconnects by itself after a drop.
 */
function follow(f: Filters, lastSeq: number): void {
  const filters = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== '')).toString();
  if (state.feed && state.feedFilters === filters) return;
  state.feed?.close();
  connect(filters, `req_${lastSeq}`);
}

function connect(filters: string, after?: string): void {
  const params = new URLSearchParams(filters);
  if (after) params.set('after', after);
  const feed = new EventSource(`/_inspector/api/stream${params.size ? `?${params}` : ''}`);
  state.feed = feed;
  state.feedFilters = filters;
  feed.addEventListener('open', () => replace(live, '● live'));
  feed.addEventListener('error', () => replace(live, '○ reconnecting…'));
  feed.addEventListener('request', (event) => {
    const row = JSON.parse((event as MessageEvent<string>).data) as RequestRow;
    state.onRequest?.(row);
  });
}

window.addEventListener('hashchange', route);
route();
