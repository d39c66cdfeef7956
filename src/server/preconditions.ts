import type { Request, Response } from 'express';
import { ScimError } from '../scim/errors.js';
import { etagOf } from '../scim/render.js';

/** RFC 7644 §3.14: a write with If-Match must name the current version, else 412. */
export function checkIfMatch(req: Request, version: number): void {
  const header = req.get('if-match');
  if (!header || header.trim() === '*') return;
  const current = etagOf(version);
  const tags = header.split(',').map((t) => t.trim());
  if (!tags.includes(current) && !tags.includes(current.slice(2))) {
    throw new ScimError(412, undefined, `If-Match ${header} does not match the current version ${current}`);
  }
}

export function setEtag(res: Response, version: number): void {
  res.setHeader('ETag', etagOf(version));
}
