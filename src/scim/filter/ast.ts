/**
 * SCIM filter AST (RFC 7644 §3.4.2.2). Nodes are frozen plain objects tagged by `kind`.
 * Attribute names are kept as written; consumers resolve them with schemas.resolveAttribute().
 */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

/** `[uri:]attr[.sub]` as written, e.g. `name.familyName` or `urn:…:enterprise:2.0:User:manager.value`. */
export interface AttrPath {
  readonly kind: 'attrPath';
  /** Schema URN prefix if the path was fully qualified, as written. */
  readonly uri: string | undefined;
  readonly attr: string;
  readonly sub: string | undefined;
}

export interface CompareFilter {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly path: AttrPath;
  readonly value: FilterValue;
}

export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}

export interface LogicalFilter {
  readonly kind: 'and' | 'or';
  readonly left: Filter;
  readonly right: Filter;
}

export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/** `emails[type eq "work" and value co "@x.com"]`: `filter`'s paths are relative to one element. */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/** A PATCH `path` (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`. */
export interface PatchPath {
  readonly kind: 'patchPath';
  readonly path: AttrPath;
  /** The `[…]` filter selecting elements of a multi-valued attribute. */
  readonly filter: Filter | undefined;
  /** The sub-attribute after `]`, as in `emails[type eq "work"].value`. */
  readonly subAttr: string | undefined;
}
