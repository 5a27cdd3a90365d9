/**
 * Which names hold secrets: env variables (`MYSQL_PASS`, `BASIC_AUTH`), `key=value` keys
 * (`signing_key`, `AccountKey`), flags (`--db-password`), JSON properties (`clientSecret`),
 * headers (`X-Amz-Signature`). A name is split into words (`_`, `-`, `.`, `/`, camelCase) and
 * judged by them, so new spellings of old words are caught without a list of every variable.
 * Names that only point at a secret or describe one (…_FILE, …Name, …Ref, …_PATH, …_URL,
 * token counts) are evidence and stay readable.
 */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'passphrase', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'credential', 'credentials',
  'creds', 'dsn', 'signature', 'sig', 'cookie', 'authorization', 'jwt', 'bearer', 'privatekey',
]);
/** Words that are secret only at the end of a name: BASIC_AUTH, SIGNING_KEY — not AUTH_SERVICE_HOST, KEY_ID. */
const SECRET_LAST_WORDS = new Set(['auth', 'key', 'keys']);
/** A last word that makes the name describe a secret rather than hold one. */
const DESCRIBING_SUFFIX = new Set([
  'name', 'names', 'ref', 'file', 'files', 'path', 'dir', 'length', 'count', 'type', 'kind', 'expiry', 'expires', 'expiration', 'ttl',
  'lifetime', 'id', 'ids', 'url', 'uri', 'host', 'port', 'endpoint', 'enabled', 'enable', 'header', 'size', 'version', 'mode', 'algorithm',
  'alg', 'format', 'policy', 'prefix', 'template', 'timeout', 'duration', 'age', 'limit', 'min', 'max', 'location', 'source', 'rotation',
  'strength', 'reset', 'changed', 'field', 'label', 'hint', 'mount', 'volume', 'provider', 'store', 'manager', 'backend', 'class',
  'bucket', 'usage', 'issuer', 'audience', 'scope', 'scopes', 'stdin', 'required', 'status', 'valid', 'missing', 'set',
]);
/** Words before `key` that make it a data-structure key, not a credential: primary_key, sort_key, public_key. */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'public', 'publishable', 'primary', 'foreign', 'sort', 'partition', 'cache', 'routing', 'idempotency', 'shard', 'lookup', 'index',
  'label', 'map', 'row', 'dedup', 'composite', 'unique', 'hash', 'group', 'object', 'node', 'cluster',
]);
/** Words before `tokens` that make it a count: max_tokens, prompt_tokens. */
const TOKEN_COUNT_QUALIFIERS = new Set(['max', 'min', 'num', 'total', 'prompt', 'completion', 'input', 'output', 'remaining', 'used', 'cached']);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Names repeat (every object has `name`, `image`, `value`): judged once each. */
const judged = new Map<string, string | null>();

/** What a secret name holds, for the mask's label; undefined when the name is not a secret's. */
export function secretKind(name: string): string | undefined {
  const known = judged.get(name);
  if (known !== undefined) return known ?? undefined;
  const kind = judge(name);
  if (judged.size > 50_000) judged.clear();
  judged.set(name, kind ?? null);
  return kind;
}

function judge(name: string): string | undefined {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (!last || DESCRIBING_SUFFIX.has(last)) return undefined;
  const before = words[words.length - 2];
  if ((last === 'tokens' || last === 'token') && before && TOKEN_COUNT_QUALIFIERS.has(before)) return undefined;
  if ((last === 'key' || last === 'keys') && before && NON_SECRET_KEY_QUALIFIERS.has(before)) return undefined;
  // A lone `auth` is a name too often (an image `auth:1.4`, a service): only BASIC_AUTH-like names count.
  const secretLast = SECRET_LAST_WORDS.has(last) && (last !== 'auth' || words.length > 1);
  const secretWord = words.some((w) => SECRET_WORDS.has(w)) || secretLast;
  if (!secretWord) return undefined;
  return labelOf(words);
}

export const isSecretName = (name: string): boolean => secretKind(name) !== undefined;

function labelOf(words: string[]): string {
  const has = (...ws: string[]) => ws.some((w) => words.includes(w));
  if (has('password', 'passwd', 'pass', 'pwd', 'passphrase')) return 'password';
  if (has('token', 'tokens', 'jwt', 'bearer')) return 'token';
  if (has('apikey') || (words.includes('api') && has('key', 'keys'))) return 'api_key';
  if (has('key', 'keys', 'privatekey')) return 'key';
  if (has('credential', 'credentials', 'creds')) return 'credentials';
  if (has('cookie')) return 'cookie';
  if (has('signature', 'sig')) return 'signature';
  return 'secret';
}

/** Purely numeric values under token-ish names are counts (`tokens=120`), not credentials. */
export function isCountValue(name: string, value: string): boolean {
  const words = nameWords(name);
  return /^\d+$/.test(value) && (words.includes('token') || words.includes('tokens')) && !words.some((w) => w === 'password' || w === 'pin');
}
