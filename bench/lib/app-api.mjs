// The app API (/v1, SSOReady-compatible): walking every page of a directory's users, and the
// latency of one page anywhere in it, with the API key the dataset made.

const PAGE = 10;

const usersPath = (ds, token) => `/v1/scim/users?scimDirectoryId=${ds.directoryId}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;

/**
 * Follow nextPageToken from the first page to the last, one request at a time, as an app's sync job
 * does. Returns every page's token (for the random-page load) and how long the walk took.
 */
export async function walkAllPages(server, ds) {
  const tokens = [''];
  const seen = new Set();
  const started = performance.now();
  for (;;) {
    const res = await fetch(server.url + usersPath(ds, tokens.at(-1)), { headers: { authorization: `Bearer ${ds.apiKey}` } });
    if (res.status !== 200) throw new Error(`page ${tokens.length}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    const body = await res.json();
    for (const user of body.scimUsers) seen.add(user.id);
    if (body.nextPageToken === '') break;
    tokens.push(body.nextPageToken);
  }
  const seconds = (performance.now() - started) / 1000;
  const expected = ds.users + ds.spareIds.length;
  if (seen.size !== expected) throw new Error(`walked ${seen.size} distinct users, expected ${expected}`);
  return { tokens, seconds, users: seen.size };
}

/** A load scenario (see load.mjs): GET one random page of the listing, by its token. */
export function randomPage(ds, tokens) {
  return {
    name: 'GET /v1/scim/users page',
    expect: 200,
    next() {
      const token = tokens[Math.floor(Math.random() * tokens.length)];
      return { method: 'GET', path: usersPath(ds, token), check: (body) => Array.isArray(body?.scimUsers) && body.scimUsers.length <= PAGE };
    },
  };
}
