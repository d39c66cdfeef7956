import type { Request } from 'express';
import { invalidArgument } from './errors.js';

/**
 * A query parameter by its camelCase name or its snake_case proto name (SSOReady's gateway takes
 * both); "" counts as absent, as in proto3. A repeated parameter is refused rather than guessed at.
 */
export function queryParam(req: Request, camel: string): string | undefined {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const query = req.query as Record<string, unknown>;
  const present = (v: unknown) => v !== undefined && v !== '';
  const value = present(query[camel]) ? query[camel] : query[snake];
  if (!present(value)) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${camel} must be given once`);
  return value;
}

/** A JSON body's field by its lowerCamel or snake_case name (protojson reads both). */
export function bodyField(body: Record<string, unknown>, camel: string): unknown {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return body[camel] ?? body[snake];
}

/** The body as an object: a resource in the JSON the gateway takes. */
export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArgument('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, camel: string): string | undefined {
  const value = bodyField(body, camel);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${camel} must be a string`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, camel: string): boolean | undefined {
  const value = bodyField(body, camel);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(`${camel} must be true or false`);
  return value;
}

export function stringList(body: Record<string, unknown>, camel: string): string[] {
  const value = bodyField(body, camel);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalidArgument(`${camel} must be an array of strings`);
  return value as string[];
}
