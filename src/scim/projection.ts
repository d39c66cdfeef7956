import { cloneJson } from './clone.js';
import { badRequest } from './errors.js';
import type { Filter, PatchPath } from './filter/ast.js';
import { parsePatchPath } from './filter/parser.js';
import { matchesFilter } from './filter/evaluate.js';
import { resolveAttribute, splitUrn, type ResourceKind } from './schemas.js';

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) applied to a rendered resource.
 * Paths may be `emails`, `name.givenName`, URN-qualified, or filtered (`emails[type eq "work"]`).
 */
export interface Projection {
  readonly include: readonly ResolvedPath[] | undefined;
  readonly exclude: readonly ResolvedPath[];
}

interface ResolvedPath {
  /** Key in the rendered resource: a core attribute or an extension URN. */
  readonly top: string;
  /** For extension attributes: the attribute inside the URN object. */
  readonly inner: string | undefined;
  readonly sub: string | undefined;
  readonly filter: Filter | undefined;
}

/** Always returned, whatever `attributes` says (RFC 7643 §7 returned:"always"). */
const ALWAYS = new Set(['id', 'schemas']);

export function parseProjection(kind: ResourceKind, attributes?: string, excluded?: string): Projection | undefined {
  if (!attributes && !excluded) return undefined;
  const parse = (list: string | undefined, param: string) =>
    (list ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((text): ResolvedPath => {
        // A bare extension URN names the whole extension object.
        const urn = splitUrn(kind, text);
        if (urn.schema && urn.rest === '') return { top: urn.schema, inner: undefined, sub: undefined, filter: undefined };
        let path: PatchPath;
        try {
          path = parsePatchPath(text);
        } catch {
          throw badRequest('invalidValue', `${param}: "${text}" is not a valid attribute path`);
        }
        const uri = path.path.uri ? `${path.path.uri}:` : '';
        const resolved = resolveAttribute(kind, uri + path.path.attr + (path.path.sub ? `.${path.path.sub}` : ''));
        const sub = resolved.subName ?? path.subAttr;
        return resolved.extension
          ? { top: resolved.schema, inner: resolved.name, sub, filter: path.filter }
          : { top: resolved.name, inner: undefined, sub, filter: path.filter };
      });
  return { include: attributes ? parse(attributes, 'attributes') : undefined, exclude: parse(excluded, 'excludedAttributes') };
}

export function excludes(projection: Projection | undefined, attribute: string): boolean {
  if (!projection) return false;
  if (projection.include) return !projection.include.some((p) => p.top.toLowerCase() === attribute.toLowerCase());
  return projection.exclude.some((p) => p.top.toLowerCase() === attribute.toLowerCase() && !p.inner && !p.sub && !p.filter);
}

export function project(kind: ResourceKind, resource: Record<string, unknown>, projection: Projection | undefined): Record<string, unknown> {
  if (!projection) return resource;
  if (projection.include) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key];
    for (const p of projection.include) copyPath(kind, resource, out, p);
    return out;
  }
  const out = cloneJson(resource);
  for (const p of projection.exclude) if (!ALWAYS.has(p.top)) removePath(kind, out, p);
  return out;
}

const keyOf = (obj: Record<string, unknown>, name: string) => Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function select(kind: ResourceKind, value: unknown, p: ResolvedPath, parent: string): unknown {
  let v = value;
  if (Array.isArray(v) && p.filter) v = v.filter((el) => matchesFilter(p.filter!, el, kind, parent));
  const sub = p.sub;
  if (sub === undefined) return v;
  const pick = (el: unknown) => (isObject(el) ? el[keyOf(el, sub) ?? sub] : undefined);
  if (Array.isArray(v)) return v.filter((el) => pick(el) !== undefined).map((el) => ({ [sub]: pick(el) }));
  return pick(v) !== undefined ? { [sub]: pick(v) } : undefined;
}

function copyPath(kind: ResourceKind, from: Record<string, unknown>, to: Record<string, unknown>, p: ResolvedPath): void {
  const topKey = keyOf(from, p.top);
  if (!topKey) return;
  if (p.inner === undefined) {
    const v = select(kind, from[topKey], p, p.top);
    if (v !== undefined) to[topKey] = mergeValue(to[topKey], v);
    return;
  }
  const ext = from[topKey];
  if (!isObject(ext)) return;
  const innerKey = keyOf(ext, p.inner);
  if (!innerKey) return;
  const v = select(kind, ext[innerKey], p, p.inner);
  if (v === undefined) return;
  const target = (to[topKey] ??= {}) as Record<string, unknown>;
  target[innerKey] = mergeValue(target[innerKey], v);
}

function mergeValue(existing: unknown, next: unknown): unknown {
  return isObject(existing) && isObject(next) ? { ...existing, ...next } : next;
}

function removePath(kind: ResourceKind, obj: Record<string, unknown>, p: ResolvedPath): void {
  const topKey = keyOf(obj, p.top);
  if (!topKey) return;
  let holder = obj;
  let key = topKey;
  let parent = p.top;
  if (p.inner !== undefined) {
    const ext = obj[topKey];
    if (!isObject(ext)) return;
    const innerKey = keyOf(ext, p.inner);
    if (!innerKey) return;
    holder = ext;
    key = innerKey;
    parent = p.inner;
  }
  const value = holder[key];
  if (p.sub === undefined && !p.filter) {
    delete holder[key];
    return;
  }
  const elements = Array.isArray(value) ? value : [value];
  const kept = elements.filter((el) => {
    if (p.filter && !matchesFilter(p.filter, el, kind, parent)) return true;
    if (p.sub === undefined) return false;
    if (isObject(el)) delete el[keyOf(el, p.sub) ?? p.sub];
    return true;
  });
  holder[key] = Array.isArray(value) ? kept : kept[0];
  if (holder[key] === undefined) delete holder[key];
}
