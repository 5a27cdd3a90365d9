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

/** A bare `key` is not a secret's name; only a three-letter name can be `key` in any case, so no other name is lower-cased. */
function propertyKind(key: string): string | undefined {
  return key.length === 3 && key.toLowerCase() === 'key' ? undefined : secretKind(key);
}

/** The first non-blank character is `{`: checked on the first character, trimming (a copy) only a string that starts blank. */
function opensObject(s: string): boolean {
  const first = s.charCodeAt(0);
  return first === 0x7b || ((first <= 0x20 || first >= 0xa0) && s.trimStart().startsWith('{'));
}

/** Every element is a string (a command line), not a list of objects or values. */
function allStrings(list: readonly unknown[]): list is string[] {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return list.length > 0;
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
    if (s.length < 1_000_000 && opensObject(s)) {
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
  const visitArg = (arg: string, prev: string | undefined, attached: RegExp | undefined, separateFlag: string | undefined): string => {
    // Only a word after a flag can be a flag's value: the flag test runs on those alone.
    if (prev !== undefined && prev.startsWith('-') && arg !== '' && !arg.startsWith('-') && !PLACEHOLDER_VALUE.test(arg)) {
      const kind = LONE_SECRET_FLAG(prev) ?? (prev === separateFlag ? 'password' : undefined);
      if (kind) return mask(kind);
    }
    const m = attached?.exec(arg);
    if (m && !m[1]!.startsWith('[REDACTED:')) return `-p${mask('password')}`;
    return visitString(arg);
  };
  const visitArgs = (args: string[]): string[] => {
    const attached = PASSWORD_ATTACHED.find((p) => args.some((a) => p.program.test(a)))?.flag;
    const separateFlag = PASSWORD_SEPARATE.find((p) => args.some((a) => p.program.test(a)))?.flag;
    let out: string[] | undefined;
    for (let i = 0; i < args.length; i++) {
      const next = visitArg(args[i]!, args[i - 1], attached, separateFlag);
      if (next !== args[i]) (out ??= args.slice())[i] = next;
    }
    return out ?? args;
  };
  // Copy on write: an object or array is copied only when something inside it was masked, so a
  // snapshot with few secrets costs a walk, not a second copy of itself; the walk itself allocates
  // nothing per property (no entries pairs, no mapped arrays).
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return visitString(v);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    if (Array.isArray(v)) {
      if (allStrings(v)) return visitArgs(v);
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const next = visit(v[i]);
        if (next !== v[i]) (out ??= v.slice())[i] = next;
      }
      return out ?? v;
    }
    const obj = v as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const pairKind = typeof obj.name === 'string' && typeof obj.value === 'string' && obj.value !== '' ? secretKind(obj.name) : undefined;
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const val = obj[k];
      let next: unknown;
      if (typeof val === 'string') {
        const kind = val === '' ? undefined : k === 'value' && pairKind ? pairKind : propertyKind(k);
        next = kind && !val.startsWith('[REDACTED:') ? mask(kind) : visitString(val);
      } else {
        next = visit(val);
      }
      if (next !== val) {
        out ??= Object.setPrototypeOf({ ...obj }, Object.getPrototypeOf(obj) as object | null) as Record<string, unknown>;
        out[k] = next;
      }
    }
    return out ?? obj;
  };
  return { value: visit(input) as T, count };
}
