import type { Response } from 'express';
import type { ScimExchange } from './exchange.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM answer goes through here, so the request log sees exactly the body that was sent. */
export function sendScim(exchange: ScimExchange | undefined, res: Response, status: number, body?: unknown): void {
  res.status(status);
  if (body === undefined) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  if (exchange) exchange.responseBody = text;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.end(text);
}
