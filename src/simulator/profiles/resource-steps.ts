/** What every profile does with a resource it made: address it, read it back, delete it and see it gone. */
import type { Check } from '../check.js';
import type { SimExchange } from '../http.js';
import { resourcePath, type ResourceType, type Session } from '../session.js';

export { resourcePath };

/** GET the resource: 200 with a JSON object (and application/scim+json when `strict`, as the rfc profile wants). */
export async function readBack(t: Check, type: ResourceType, id: string, strict = false): Promise<{ x: SimExchange; body: Record<string, unknown> }> {
  const x = await t.send({ method: 'GET', path: resourcePath(type, id) });
  t.status(x, 200);
  if (strict) t.scimContentType(x);
  return { x, body: t.body(x) };
}

/**
 * DELETE, then GET must be a 404 (with an RFC 7644 Error body when `errorBody`). The session forgets
 * the resource only once the 404 shows it gone; until then its clean-up still owns it.
 */
export async function deleteAndConfirm(s: Session, t: Check, type: ResourceType, id: string, accepted: number[], errorBody = false): Promise<void> {
  const x = await t.send({ method: 'DELETE', path: resourcePath(type, id) });
  t.status(x, accepted);
  const after = await t.send({ method: 'GET', path: resourcePath(type, id) });
  if (errorBody) t.scimError(after, 404);
  else t.status(after, 404);
  s.forget(type, id);
  t.note(`${x.response.status}, then GET answers 404${errorBody ? ' with an Error body' : ''}`);
}
