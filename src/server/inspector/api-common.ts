import type { NextFunction, Request, Response } from 'express';
import { parseLogId, type Directory, type LogRecord, type Store } from '../../store/index.js';

export class InspectorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const PAGE = 50;
export const MAX_PAGE = 500;

export function param(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InspectorError(400, `${name} must be given once`);
  return value;
}

export function count(req: Request, name: string, fallback: number, max: number): number {
  const text = param(req, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new InspectorError(400, `${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** A list row: what the requests table shows, without the bodies. */
export function summary(r: LogRecord) {
  return { id: r.id, seq: parseLogId(r.id)!, time: r.time, directoryId: r.directoryId, method: r.method, path: r.path, query: r.query, status: r.status, durationMs: r.durationMs, errorKind: r.errorKind };
}

export function statusFilter(text: string | undefined): { exact: number } | { klass: number } | undefined {
  if (text === undefined) return undefined;
  if (/^[1-5]xx$/i.test(text)) return { klass: Number(text[0]) };
  if (/^[1-5]\d\d$/.test(text)) return { exact: Number(text) };
  throw new InspectorError(400, 'status must be a class such as 4xx or a code such as 404');
}

export function servesAll(store: Store, serves: (id: string) => boolean): boolean {
  return servedDirectoryIds(store, serves) === undefined;
}

/** The ids of the directories a limited serve shows, for the log's own filter; undefined when it shows every directory. */
export function servedDirectoryIds(store: Store, serves: (id: string) => boolean): string[] | undefined {
  const all = store.directories.ids();
  const served = all.filter((id) => serves(id));
  return served.length < all.length ? served : undefined;
}

/** A route handler whose return value, if any, is the JSON answer; a throw goes to the error handler. */
export const wrap = (handler: (req: Request, res: Response) => unknown) => (req: Request, res: Response, next: NextFunction) => {
  const send = (body: unknown) => {
    if (body !== undefined) res.json(body);
  };
  try {
    const body = handler(req, res);
    // A handler that reads on the listing worker answers when its reads are done.
    if (body instanceof Promise) body.then(send, next);
    else send(body);
  } catch (error) {
    next(error);
  }
};

/** The directories this serve shows, and the lookups that answer 404 for any other. */
export interface ApiScope {
  store: Store;
  serves: (directoryId: string) => boolean;
  directoryOf: (id: string) => Directory;
  record: (id: string) => LogRecord;
}

export function apiScope(store: Store, serves: (directoryId: string) => boolean): ApiScope {
  const directoryOf = (id: string) => {
    const directory = serves(id) ? store.directories.findById(id) : undefined;
    if (!directory) throw new InspectorError(404, `no directory ${id} served here`);
    return directory;
  };
  const record = (id: string) => {
    const found = store.requestLog.find(id);
    // Rows with no directory (an unknown id in the path) are shown to a serve of every directory only.
    if (!found || (found.directoryId === null ? !servesAll(store, serves) : !serves(found.directoryId))) throw new InspectorError(404, `no logged request ${id}`);
    return found;
  };
  return { store, serves, directoryOf, record };
}
