/**
 * The control editor's diff against the active version, computed as the operator types: leaf
 * paths added (+), removed (-) and changed (~). Pure, so it is tested without a browser.
 */
/** GraphQL answers absent optional fields as null; the inputs want them left out. */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** Leaf paths and their JSON values, for a diff a person can read. */
function flatten(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (v && typeof v === 'object' && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}${Array.isArray(v) ? `[${k}]` : `.${k}`}` : Array.isArray(v) ? `[${k}]` : k, out);
  } else out.set(path || '(value)', JSON.stringify(v));
  return out;
}

export function diffLines(before: unknown, after: unknown): string[] {
  const a = flatten(before);
  const b = flatten(after);
  const lines: string[] = [];
  for (const [p, v] of a) if (!b.has(p)) lines.push(`- ${p}: ${v}`);
  for (const [p, v] of b) {
    if (!a.has(p)) lines.push(`+ ${p}: ${v}`);
    else if (a.get(p) !== v) lines.push(`~ ${p}: ${a.get(p)} → ${v}`);
  }
  return lines;
}
