/**
 * How deeply a request body (or a fixture's user or group) may nest. SCIM resources nest three
 * levels and PATCH values a few more; every later step (copying, PATCH, rendering the answer)
 * recurses, so a body nested thousands deep must be refused up front, not overflow the stack there.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` (a parsed JSON body) nests deeper than `limit`; stops as soon as it knows. */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const visit = (v: unknown, depth: number): boolean => {
    if (typeof v !== 'object' || v === null) return false;
    if (depth > limit) return true;
    if (Array.isArray(v)) return v.some((item) => visit(item, depth + 1));
    for (const key of Object.keys(v)) if (visit((v as Record<string, unknown>)[key], depth + 1)) return true;
    return false;
  };
  return visit(value, 1);
}
