import type { ClusterSnapshot } from './cluster/snapshot.js';

/**
 * Masks values that look like secrets before evidence leaves the process or is stored. The mask
 * keeps nothing of the secret (no prefix, no last four): `[REDACTED:<what>]`, so the evidence
 * still says what was there. Run it on text (log lines, describe output) and on objects (pod
 * specs: env values whose names look secret-y, JSON inside annotations).
 */
export const redacted = (what: string): string => `[REDACTED:${what}]`;

interface TextRule {
  what: string;
  pattern: RegExp;
  /** Builds the replacement from the match groups; default: the whole match becomes the mask. */
  replace?: (what: string, ...groups: string[]) => string;
}

// Key names whose values are secrets; names that only point at a secret (…name, …ref, …file,
// …path) are evidence, not secrets, and stay readable.
const SECRET_KEY = String.raw`[A-Za-z0-9_.\-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)[A-Za-z0-9_\-]*`;
const NOT_A_SECRET_KEY = /(name|names|ref|file|path|length|count|type|expiry|expires|expiration|ttl|url_template)$/i;
const PLACEHOLDER_VALUE = /^(?:<none>|<unset>|null|nil|none|true|false|\*+|\[REDACTED:[a-z_]+\]|\$\{[^}]*\}?|\$[A-Z_]+)$/i;

const RULES: readonly TextRule[] = [
  { what: 'private_key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  {
    what: 'authorization',
    pattern: /\b(authorization\s*["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest)\s+)?([^\s"',;]+)/gi,
    replace: (what, prefix, scheme) => `${prefix}${scheme ? `${scheme} ` : ''}${redacted(what)}`,
  },
  { what: 'bearer_token', pattern: /\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi, replace: (what, prefix) => `${prefix}${redacted(what)}` },
  {
    what: 'password',
    pattern: /\b([a-z][a-z0-9+.\-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi,
    replace: (what, scheme, user) => `${scheme}${user}:${redacted(what)}@`,
  },
  { what: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  { what: 'aws_access_key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { what: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { what: 'slack_token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { what: 'api_key', pattern: /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z\-_]{35})/g },
  {
    what: 'secret',
    pattern: new RegExp(String.raw`(["']?)\b(${SECRET_KEY})(["']?\s*[=:]\s*)(["']?)([^\s"',;&}]+)`, 'gi'),
    replace: (what, q1, key, sep, q2, value) => `${q1}${key}${sep}${q2}${redacted(labelForKey(key))}`,
  },
];

function labelForKey(key: string): string {
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return 'password';
  if (k.includes('token')) return 'token';
  if (/api[_-]?key|apikey/.test(k)) return 'api_key';
  if (k.includes('key')) return 'key';
  if (k.includes('credential')) return 'credentials';
  return 'secret';
}

export interface RedactedText {
  text: string;
  count: number;
}

/** Masks every secret-looking value in one string. */
export function redactText(text: string): RedactedText {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, ...args: unknown[]) => {
      const groups = args.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
      if (rule.what === 'secret') {
        const key = groups[1] ?? '';
        const value = groups[4] ?? '';
        if (NOT_A_SECRET_KEY.test(key) || PLACEHOLDER_VALUE.test(value) || value.startsWith('[REDACTED:')) return match;
      }
      count += 1;
      return rule.replace ? rule.replace(rule.what, ...groups) : redacted(rule.what);
    });
  }
  return { text: out, count };
}

/** Env var names whose values are secrets (DB_PASSWORD, GITHUB_TOKEN, STRIPE_SECRET_KEY, …). */
export const SECRET_ENV_NAME = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|(^|_)KEY($|_)|APIKEY|CREDENTIAL|PRIVATE|DSN)/i;
/** Object properties whose string values are secrets wherever they appear. */
const SECRET_PROPERTY = /^(password|passwd|token|bearerToken|apiKey|api_key|secret|clientSecret|client_secret|accessKey|secretKey|privateKey|secretAccessKey)$/i;

export interface RedactedValue<T> {
  value: T;
  count: number;
}

/**
 * A masked deep copy of any JSON-like value (Dates kept). Env entries `{name, value}` with a
 * secret-looking name lose their value; strings holding JSON (last-applied-configuration
 * annotations) are parsed and masked inside.
 */
export function redactDeep<T>(input: T): RedactedValue<T> {
  let count = 0;
  const visitString = (s: string): string => {
    if (s.length > 1 && s.length < 1_000_000 && s.trimStart().startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(s);
        const inner = redactDeep(parsed);
        if (inner.count > 0) {
          count += inner.count;
          return JSON.stringify(inner.value);
        }
        return s;
      } catch {
        // Not JSON: fall through to the text rules.
      }
    }
    const r = redactText(s);
    count += r.count;
    return r.text;
  };
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return visitString(v);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    if (Array.isArray(v)) return v.map(visit);
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const isSecretEnv = typeof obj.name === 'string' && typeof obj.value === 'string' && obj.value !== '' && SECRET_ENV_NAME.test(obj.name);
    for (const [k, val] of Object.entries(obj)) {
      if (k === 'value' && isSecretEnv) {
        count += 1;
        out[k] = redacted(labelForKey(obj.name as string));
      } else if (typeof val === 'string' && val !== '' && SECRET_PROPERTY.test(k) && !val.startsWith('[REDACTED:')) {
        count += 1;
        out[k] = redacted(labelForKey(k));
      } else out[k] = visit(val);
    }
    return Object.setPrototypeOf(out, Object.getPrototypeOf(obj) as object | null);
  };
  return { value: visit(input) as T, count };
}

/** The masked copy of a snapshot: objects deep, log lines line by line. */
export function redactSnapshot(snapshot: ClusterSnapshot): RedactedValue<ClusterSnapshot> {
  const { source, logs, ...objects } = snapshot;
  const masked = redactDeep(objects);
  let count = masked.count;
  const maskedLogs = logs.map((log) => ({
    ...log,
    lines: log.lines.map((line) => {
      const r = redactText(line);
      count += r.count;
      return r.text;
    }),
  }));
  return { value: { source, ...masked.value, logs: maskedLogs }, count };
}
