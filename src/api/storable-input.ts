/**
 * What a request may carry so that PostgreSQL can store or compare it, enforced in the validation
 * layer for every route and every part (body, query, path, headers) instead of route by route:
 *
 * - text: no NUL character (text and jsonb cannot hold U+0000) and no unpaired UTF-16 surrogate
 *   (not Unicode: jsonb rejects it, text would silently store U+FFFD), in values and in keys;
 * - numbers: an `integer` without declared bounds stays within PostgreSQL's `integer`, and a
 *   `number` stays finite (a query string can say `1e400`, which is Infinity). A schema that
 *   needs a wider range declares it.
 */
export const PG_INTEGER = { min: -2_147_483_648, max: 2_147_483_647 } as const;

export interface TextProblem {
  /** JSON pointer of the offending value (for a bad key: of the object holding it). */
  instancePath: string;
  problem: string;
}

const UNPAIRED_SURROGATE = /\p{Cs}/u;

function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (UNPAIRED_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

const pointerSegment = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** The first string or key in `value` that PostgreSQL could not store; undefined when all are fine. */
export function findUnstorableText(value: unknown, instancePath = ''): TextProblem | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { instancePath, problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${instancePath}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { instancePath, problem: `has a field name that ${keyProblem}` };
      const found = findUnstorableText(child, `${instancePath}/${pointerSegment(key)}`);
      if (found) return found;
    }
  }
  return undefined;
}

const typesOf = (node: Record<string, unknown>): unknown[] => (Array.isArray(node.type) ? node.type : [node.type]);

/**
 * A copy of a JSON schema in which every unbounded `integer` gets PostgreSQL's integer range and
 * every unbounded `number` a finite one. The route's own schema object (and so the OpenAPI
 * document) is left untouched.
 */
export function withStorableNumbers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => withStorableNumbers(s)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    // Data, not schemas: leave defaults, enums and examples as they are.
    copy[key] = key === 'default' || key === 'enum' || key === 'const' || key === 'examples' ? child : withStorableNumbers(child);
  }
  const types = typesOf(node);
  const bound = types.includes('integer') ? PG_INTEGER : types.includes('number') ? { min: -Number.MAX_VALUE, max: Number.MAX_VALUE } : undefined;
  if (bound) {
    if (node.maximum === undefined && node.exclusiveMaximum === undefined) copy.maximum = bound.max;
    if (node.minimum === undefined && node.exclusiveMinimum === undefined) copy.minimum = bound.min;
  }
  return copy as T;
}
