import { PLACEHOLDER_VALUE, redacted, redactText } from './redact-text.js';
import { secretKind } from './secret-names.js';

/**
 * A masked deep copy of any JSON-like value (Dates and prototypes kept):
 * - `{name, value}` pairs (env vars, probe headers) lose the value when the name is a secret's;
 * - string properties with a secret's name (`password`, `clientSecret`, `signingKey`) are masked;
 *   a bare `key` is not one: in Kubernetes objects it names a key (secretKeyRef.key, tolerations);
 * - arrays of strings are read as a command line (container command/args): the word after a
 *   secret flag, and mysql's `-p…`, are masked;
 * - strings holding JSON (last-applied-configuration annotations) are parsed and masked inside;
 * - every other string goes through the text rules, line by line.
 */
export interface RedactedValue<T> {
  value: T;
  count: number;
}

const LONE_SECRET_FLAG = (word: string): string | undefined => (/^--?[A-Za-z][A-Za-z0-9-]*$/.test(word) ? secretKind(word.replace(/^-+/, '')) : undefined);
const PASSWORD_ATTACHED: ReadonlyArray<{ program: RegExp; flag: RegExp }> = [
  { program: /^(?:.*\/)?(?:mysql|mysqladmin|mysqldump|mysqlsh|mariadb|mariadb-dump)$/, flag: /^-p(.+)$/ },
];
const PASSWORD_SEPARATE: ReadonlyArray<{ program: RegExp; flag: string }> = [
  { program: /^(?:.*\/)?redis-cli$/, flag: '-a' },
  { program: /^(?:.*\/)?sshpass$/, flag: '-p' },
];

function propertyKind(key: string): string | undefined {
  return key.toLowerCase() === 'key' ? undefined : secretKind(key);
}

export function redactDeep<T>(input: T): RedactedValue<T> {
  let count = 0;
  const mask = (what: string) => {
    count += 1;
    return redacted(what);
  };
  const visitString = (s: string): string => {
    // Short plain words (names, uids, phases, images without credentials) hold nothing to mask.
    if (s.length < 6) return s;
    if (s.length > 1 && s.length < 1_000_000 && s.trimStart().startsWith('{')) {
      try {
        const inner = redactDeep(JSON.parse(s) as unknown);
        if (inner.count === 0) return s;
        count += inner.count;
        return JSON.stringify(inner.value);
      } catch {
        // Not JSON: the text rules below.
      }
    }
    const r = redactText(s);
    count += r.count;
    return r.text;
  };
  const visitArgs = (args: string[]): string[] => {
    const attached = PASSWORD_ATTACHED.find((p) => args.some((a) => p.program.test(a)));
    const separate = PASSWORD_SEPARATE.find((p) => args.some((a) => p.program.test(a)));
    return args.map((arg, i) => {
      const prev = args[i - 1];
      if (prev !== undefined && !arg.startsWith('-') && !PLACEHOLDER_VALUE.test(arg)) {
        const kind = LONE_SECRET_FLAG(prev) ?? (separate && prev === separate.flag ? 'password' : undefined);
        if (kind && arg !== '') return mask(kind);
      }
      const m = attached?.flag.exec(arg);
      if (m && !m[1]!.startsWith('[REDACTED:')) return `-p${mask('password')}`;
      return visitString(arg);
    });
  };
  // Copy on write: an object or array is copied only when something inside it was masked, so a
  // snapshot with few secrets costs a walk, not a second copy of itself.
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return visitString(v);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    if (Array.isArray(v)) {
      const next = v.length > 0 && v.every((x) => typeof x === 'string') ? visitArgs(v as string[]) : v.map(visit);
      return next.every((x, i) => x === v[i]) ? v : next;
    }
    const obj = v as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const pairKind = typeof obj.name === 'string' && typeof obj.value === 'string' && obj.value !== '' ? secretKind(obj.name) : undefined;
    for (const [k, val] of Object.entries(obj)) {
      const kind = k === 'value' && pairKind ? pairKind : typeof val === 'string' && val !== '' ? propertyKind(k) : undefined;
      const next = kind && typeof val === 'string' && !val.startsWith('[REDACTED:') ? mask(kind) : visit(val);
      if (next !== val) {
        out ??= Object.setPrototypeOf({ ...obj }, Object.getPrototypeOf(obj) as object | null) as Record<string, unknown>;
        out[k] = next;
      }
    }
    return out ?? obj;
  };
  return { value: visit(input) as T, count };
}
