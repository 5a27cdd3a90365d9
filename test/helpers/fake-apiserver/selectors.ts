/**
 * Label and field selectors as kube-apiserver parses them. What it does not understand is a
 * 400 BadRequest naming the problem, never a match-all: a client whose selector the server
 * silently ignored would read the whole namespace and believe it read one object's worth.
 */
type Raw = Record<string, any>;
export type Matcher = (obj: Raw) => boolean;

export class SelectorError extends Error {}

// ---- labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1` ----

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on the commas between requirements, not the ones inside `in (…)`. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((r) => r.trim());
}

function checkKey(key: string): string {
  if (!LABEL_KEY.test(key) || key.length > 316) throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

function labelRequirement(text: string): Matcher {
  const labels = (o: Raw): Record<string, string> => o.metadata?.labels ?? {};
  let m = /^!\s*(\S+)$/.exec(text);
  if (m) {
    const key = checkKey(m[1]!);
    return (o) => !(key in labels(o));
  }
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (m) {
    const key = checkKey(m[1]!);
    const values = new Set(m[3]!.split(',').map((v) => checkValue(v.trim())));
    return m[2] === 'in' ? (o) => values.has(labels(o)[key] ?? '\u0000') : (o) => !(key in labels(o)) || !values.has(labels(o)[key]!);
  }
  m = /^([^!=<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/.exec(text);
  if (m) {
    const key = checkKey(m[1]!);
    const op = m[2]!;
    const value = m[3]!;
    if (op === '<' || op === '>') {
      if (!/^-?\d+$/.test(value)) throw new SelectorError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      const n = Number(value);
      return (o) => {
        const v = labels(o)[key];
        return v !== undefined && /^-?\d+$/.test(v) && (op === '<' ? Number(v) < n : Number(v) > n);
      };
    }
    checkValue(value);
    return op === '!=' ? (o) => labels(o)[key] !== value : (o) => labels(o)[key] === value;
  }
  if (/^\S+$/.test(text) && !/[=!<>()]/.test(text)) {
    const key = checkKey(text);
    return (o) => key in labels(o);
  }
  const found = /\s(\S+)/.exec(text)?.[1] ?? text;
  throw new SelectorError(`unable to parse requirement: found '${found}', expected: '=', '!=', '==', 'in', notin'`);
}

export function parseLabelSelector(selector: string | null): Matcher {
  if (selector === null || selector.trim() === '') return () => true;
  const parts = requirements(selector).map(labelRequirement);
  return (o) => parts.every((p) => p(o));
}

// ---- fields: `a.b=x`, `a.b==x`, `a.b!=x`, only the fields the resource supports ----

const valueAt = (obj: Raw, path: string): string => {
  const v = path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
  return v === undefined || v === null ? '' : String(v);
};

/**
 * `supported` are the selectable field labels; `pathOf` where each reads its value. An unknown
 * label is kube-apiserver's `field label not supported: X`, bad syntax its `invalid selector`.
 */
export function parseFieldSelector(selector: string | null, supported: readonly string[], pathOf: (label: string) => string): { matcher: Matcher; unsupported?: string } {
  if (selector === null || selector.trim() === '') return { matcher: () => true };
  const terms = selector.split(',').map((term) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term.trim());
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term.trim()}'`);
    return { label: m[1]!.trim(), negate: m[2] === '!=', value: m[3]!.trim() };
  });
  const unknown = terms.find((t) => !supported.includes(t.label));
  if (unknown) return { matcher: () => false, unsupported: unknown.label };
  return { matcher: (o) => terms.every((t) => (valueAt(o, pathOf(t.label)) === t.value) !== t.negate) };
}
