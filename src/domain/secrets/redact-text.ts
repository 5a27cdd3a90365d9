import { isCountValue, secretKind } from './secret-names.js';
import { BARE_AWS_SECRET, PEM_PRIVATE_KEY, TOKEN_RULES } from './token-formats.js';

/**
 * Masks secrets in text before it is stored, logged or sent to a model. The mask keeps nothing
 * of the secret (no prefix, no last four): `[REDACTED:<what>]`, so the text still says what was
 * there. Text is masked line by line, with memory across lines for what spans them: a PEM key
 * split over log lines, a secret flag whose value kubectl describe prints on the next line, a
 * mysql command whose `-p…` stands a few lines below it.
 */
export const redacted = (what: string): string => `[REDACTED:${what}]`;

export interface RedactedText {
  text: string;
  count: number;
}

export interface RedactedLines {
  lines: string[];
  count: number;
}

/** Values that stand for a secret without being one: references, templates, empty markers. */
export const PLACEHOLDER_VALUE = /^(?:<.*|null|nil|none|true|false|yes|no|\*+|x+|\[REDACTED:[a-z_]+\]|\$\{[^}]*\}?|\$\([^)]*\)?|\$[A-Za-z_]+|\{\{.*)$/i;
const isMasked = (v: string) => v.startsWith('[REDACTED:');

// `name = value`, `name: value`, `"name": "value"`, `\"name\":\"value\"` (JSON inside a log line);
// a quoted value is masked whole, spaces included.
const KEY_VALUE = /(?<![A-Za-z0-9_.\-/@])([A-Za-z_][A-Za-z0-9_.\-]*)(\\?["']?\s*[=:]\s*)(?:(\\?")((?:[^"\\]|\\(?!"))*)(\\?")|'([^']*)'|([^\s"'\\,;&}<>]+))/g;
// Header names whose values the dedicated rules above already masked, keeping the scheme or cookie names.
const HANDLED_ABOVE = /^(?:proxy-)?authorization$|^(?:set-)?cookie$/i;
// A secret flag and its value: `--password hunter2`, `--db-password=hunter2`.
const FLAG_VALUE = /(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)(=|\s+)(?!-)([^\s"',;]+)/g;
// The words of free text that announce a secret after a space: `password hunter2`, `token 9f8e…`.
const SPOKEN = /(?<![\w/.\-=:])(password|passwd|passphrase|pwd|token|api[ _-]?key)\s+(?![=:])([^\s"',;=]+)(?![=\w])/gi;
// A value that reads as a secret rather than a word: it has a digit or a symbol passwords use.
const LOOKS_SECRET = /^(?=.{6,})(?=.*[0-9!@#$%^&*+=/\\~]).*$/;
// URL credentials: everything between `scheme://user:` and the last `@` before the host.
const URL_PASSWORD = /\b([a-z][a-z0-9+.\-]*:\/\/)([^:@/\s]*):([^/\s]+)@(?=[^@/\s]*(?:[/\s?#]|$))/gi;
const AUTHORIZATION = /\b(authorization\s*\\?["']?\s*[:=]\s*\\?["']?)(?:(bearer|basic|token|digest|negotiate)\s+)?([^\s"',;\\]+)/gi;
const BEARER = /\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
const SET_COOKIE = /\b(set-cookie\s*\\?["']?\s*:\s*\\?["']?\s*)([^=;\s]+=)([^;\s"\\]*)/gi;
const COOKIE = /(?<![-\w])(cookie\s*\\?["']?\s*:\s*\\?["']?\s*)([^"\\\n]*)/gi;
// Programs whose password flag takes its value attached (mysql -phunter2) or as the next word.
const PASSWORD_FLAG_CONTEXT: ReadonlyArray<{ program: RegExp; flag: RegExp }> = [
  { program: /\b(?:mysql|mysqladmin|mysqldump|mysqlsh|mariadb|mariadb-dump)\b/, flag: /(?<![\w-])(-p)([^\s"',;]+)/g },
  { program: /\bredis-cli\b/, flag: /(?<![\w-])(-a\s+)([^\s"',;]+)/g },
  { program: /\bsshpass\b/, flag: /(?<![\w-])(-p\s*)([^\s"',;]+)/g },
];

/**
 * What a rule needs to find in a line before it can mask anything. Most lines of a log (and most
 * strings of an object) have none of it, and a few tests spare them twenty expressions: masking a
 * 5,000-pod namespace is the cost that matters.
 * - A secret's word (the words secretKind judges names by, as substrings, and the programs whose
 *   password flag takes a value) and a separator (`=`, `:`, a space, or a comma: kubectl prints a
 *   container's args comma-joined in custom columns, `mysql,-u,root,-phunter2`, and as a JSON
 *   array in jsonpath): every key, flag, header and free-text rule is led by one.
 *   `auth-service-7d9f` holds no secret.
 * - A token vendor's prefix, a PEM header, or a URL with credentials: every shape rule (TOKEN_RULES,
 *   URL_PASSWORD) starts with one. The shape rules are case-sensitive, and so is this test.
 * - A run of 40 base64 characters: a bare AWS secret key has no prefix, only its length and alphabet.
 */
const SECRET_WORD = /pass|pwd|secret|token|api.?key|credential|creds|dsn|sig|cookie|author|jwt|bearer|private|auth|key|mysql|mariadb|redis-cli|sshpass/i;
const SEPARATOR = /[\s=:,]/;
const TOKEN_MARK =
  /:\/\/[^\s/@]*@|eyJ|hooks\.slack|gh[pousr]_|github_pat|\bgl[a-z]{2,8}-|GR1348941|xox|xapp-|[sr]k_|whsec_|rt_|sk-|AIza|SG\.|\bSK[0-9a-fA-F]{32}|npm_|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|-----BEGIN/;
// Tried only where a run starts: from inside a run it would count the same characters again (quadratic on a long word).
const BASE64_RUN = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}/;
/** Either of the two in one test: most strings have neither (no token mark, no separator), and are let go after it. */
const MARK_OR_SEPARATOR = new RegExp(`${SEPARATOR.source}|${TOKEN_MARK.source}`);

/**
 * Which rules a line needs: all of them, only the bare AWS secret key's, or none. A line whose only
 * mark is a base64 run and that names no secret's word (a container id, an image digest: most of
 * the long strings of a pod) can match no rule but the AWS one, which alone runs on it.
 */
function rulesFor(line: string): 'all' | 'aws' | undefined {
  const marked = MARK_OR_SEPARATOR.test(line);
  if (marked && TOKEN_MARK.test(line)) return 'all';
  const separated = marked && SEPARATOR.test(line);
  if (separated && SECRET_WORD.test(line)) return 'all';
  if (line.length < 40 || !BASE64_RUN.test(line)) return undefined;
  return !separated && SECRET_WORD.test(line) ? 'all' : 'aws';
}

/** One line's masks; `context` is the program a password flag belongs to, if one was seen nearby. */
function redactLine(line: string, context: string): RedactedText {
  const rules = context === '' ? rulesFor(line) : 'all';
  if (rules === undefined) return { text: line, count: 0 };
  let count = 0;
  const mask = (what: string) => {
    count += 1;
    return redacted(what);
  };
  if (rules === 'aws') {
    const text = line.replace(BARE_AWS_SECRET, () => mask('aws_secret_key'));
    return { text, count };
  }
  let out = line;
  out = out.replace(AUTHORIZATION, (_m, prefix: string, scheme: string | undefined) => `${prefix}${scheme ? `${scheme} ` : ''}${mask('authorization')}`);
  out = out.replace(SET_COOKIE, (m, prefix: string, name: string, value: string) => (value === '' || isMasked(value) ? m : `${prefix}${name}${mask('cookie')}`));
  out = out.replace(COOKIE, (_m, prefix: string, pairs: string) => `${prefix}${pairs.replace(/([^=;\s]+=)([^;]*)/g, (p, name: string, v: string) => (v === '' || isMasked(v) ? p : `${name}${mask('cookie')}`))}`);
  out = out.replace(BEARER, (m, prefix: string, token: string) => (isMasked(token) ? m : `${prefix}${mask('bearer_token')}`));
  out = out.replace(URL_PASSWORD, (m, scheme: string, user: string, password: string) => (isMasked(password) ? m : `${scheme}${user}:${mask('password')}@`));
  for (const rule of TOKEN_RULES) {
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : ''));
      return rule.replace ? rule.replace(mask(rule.what), ...groups) : mask(rule.what);
    });
  }
  out = out.replace(KEY_VALUE, (m, key: string, sep: string, q1: string | undefined, dq: string | undefined, q2: string | undefined, sq: string | undefined, bare: string | undefined) => {
    // A bare `key: …` is YAML structure (affinity, tolerations, key refs); only `key=…` holds a value.
    const bareKeyInYaml = key.toLowerCase() === 'key' && !sep.includes('=');
    const kind = HANDLED_ABOVE.test(key) || bareKeyInYaml ? undefined : secretKind(key);
    const value = dq ?? sq ?? bare ?? '';
    if (!kind || value === '' || isMasked(value) || PLACEHOLDER_VALUE.test(value.trim()) || isCountValue(key, value)) return m;
    const masked = mask(kind);
    if (dq !== undefined) return `${key}${sep}${q1}${masked}${q2}`;
    if (sq !== undefined) return `${key}${sep}'${masked}'`;
    return `${key}${sep}${masked}`;
  });
  out = out.replace(FLAG_VALUE, (m, flag: string, sep: string, value: string) => {
    const kind = secretKind(flag.replace(/^-+/, ''));
    if (!kind || flag.length < 3 || isMasked(value) || PLACEHOLDER_VALUE.test(value) || isCountValue(flag, value)) return m;
    return `${flag}${sep}${mask(kind)}`;
  });
  out = out.replace(SPOKEN, (m, word: string, value: string) => {
    const v = value.replace(/[.,;:)\]}>]+$/, '');
    if (isMasked(v) || !LOOKS_SECRET.test(v) || PLACEHOLDER_VALUE.test(v)) return m;
    return `${word} ${mask(/pass|pwd/i.test(word) ? 'password' : /key/i.test(word) ? 'api_key' : 'token')}${value.slice(v.length)}`;
  });
  for (const c of PASSWORD_FLAG_CONTEXT) {
    if (c.program.test(context) || c.program.test(line)) out = out.replace(c.flag, (m, flag: string, value: string) => (isMasked(value) ? m : `${flag}${mask('password')}`));
  }
  out = out.replace(BARE_AWS_SECRET, () => mask('aws_secret_key'));
  return { text: out, count };
}

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
// Inside a PEM block: base64 rows, the legacy Proc-Type/DEK-Info headers, blank lines.
const PEM_BODY = /^\s*(?:[A-Za-z0-9+/=]{1,100}|Proc-Type:.*|DEK-Info:.*|Comment:.*|Version:.*)?\s*$/;
// A line holding only a secret flag (`--password`, `- --token`, `"--db-password",`): its value is on the next line.
const LONE_FLAG = /^\s*(?:-\s+)?["']?(--?[A-Za-z][A-Za-z0-9-]*)["']?,?\s*$/;
/** How many lines below a mysql/redis-cli/sshpass word its password flag may stand (describe prints one arg a line). */
const CONTEXT_LINES = 8;

/** Masks lines that belong together (a container's log, a describe output), carrying state from line to line. */
export function redactLines(lines: readonly string[]): RedactedLines {
  let count = 0;
  let inPem = false;
  let flagPending = false;
  let context = '';
  let contextLeft = 0;
  const out: string[] = [];
  for (const line of lines) {
    if (inPem) {
      const end = PEM_END.exec(line);
      if (end) {
        inPem = false;
        out.push(redacted('private_key') + line.slice(end.index + end[0].length));
        continue;
      }
      if (PEM_BODY.test(line)) {
        out.push(line.trim() === '' ? line : redacted('private_key'));
        continue;
      }
      inPem = false;
    }
    // A PEM header (PRIVATE KEY), a program with a password flag, a lone secret flag: each holds a
    // secret's word, which most lines have not; one test spares them the five below.
    const worded = SECRET_WORD.test(line);
    const begin = worded ? PEM_BEGIN.exec(line) : null;
    if (begin && !PEM_END.test(line.slice(begin.index))) {
      inPem = true;
      count += 1;
      out.push(line.slice(0, begin.index) + redacted('private_key'));
      continue;
    }
    if (flagPending) {
      flagPending = false;
      const m = /^(\s*(?:-\s+)?["']?)([^\s"',]+)(["']?,?\s*)$/.exec(line);
      if (m && !m[2]!.startsWith('-') && !m[2]!.startsWith('[REDACTED:') && !PLACEHOLDER_VALUE.test(m[2]!)) {
        count += 1;
        out.push(`${m[1]}${redacted('password')}${m[3]}`);
        continue;
      }
    }
    for (const c of worded ? PASSWORD_FLAG_CONTEXT : []) {
      if (c.program.test(line)) {
        context = line;
        contextLeft = CONTEXT_LINES + 1;
      }
    }
    const r = redactLine(line, contextLeft > 0 ? context : '');
    contextLeft = Math.max(0, contextLeft - 1);
    count += r.count;
    out.push(r.text);
    const flag = worded ? LONE_FLAG.exec(line) : null;
    if (flag && secretKind(flag[1]!.replace(/^-+/, ''))) flagPending = true;
  }
  return { lines: out, count };
}

/** Masks every secret in a string; multi-line text keeps its line structure and memory across lines. */
export function redactText(text: string): RedactedText {
  if (!text.includes('\n')) return redactLine(text, '');
  // A PEM block inside one string is one secret: mask it whole before going line by line.
  let blocks = 0;
  const withoutKeys = text.replace(PEM_PRIVATE_KEY, () => {
    blocks += 1;
    return redacted('private_key');
  });
  const r = redactLines(withoutKeys.split('\n'));
  return { text: r.lines.join('\n'), count: r.count + blocks };
}
