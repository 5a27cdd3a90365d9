import { UsageError } from '../exit.js';

/**
 * The CLI's settings: their names on the command line (`syntra config set api-key …`), their
 * keys in the config files, their environment variables and how a value is checked.
 * Precedence (highest first): flags > SYNTRA_* environment > project .syntra/config.json >
 * user config file > defaults.
 */
export const SETTING_NAMES = ['endpoint', 'api-key', 'namespace', 'cluster', 'output', 'color'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export interface SettingSpec {
  name: SettingName;
  /** Key in config.json (camelCase, the format `syntra up` writes). */
  fileKey: 'endpoint' | 'apiKey' | 'namespace' | 'cluster' | 'output' | 'color';
  env: string;
  /** Secret values are masked when shown and never read from a project file. */
  secret: boolean;
  fallback: string | undefined;
  describe: string;
  /** Returns the normalized value or throws a UsageError saying what is allowed. */
  check(raw: string): string;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7070';

function oneOf(name: string, allowed: readonly string[]) {
  return (raw: string) => {
    const v = raw.trim().toLowerCase();
    if (!allowed.includes(v)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return v;
  };
}

function checkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`endpoint must be an http(s) URL such as ${DEFAULT_ENDPOINT}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`endpoint must start with http:// or https://, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function checkApiKey(raw: string): string {
  const v = raw.trim();
  if (!/^sk_(live|test|admin)_[A-Za-z0-9_-]{16,}$/.test(v)) {
    throw new UsageError('api-key must look like sk_live_…, sk_test_… or sk_admin_… (as printed when the key was created)');
  }
  return v;
}

function checkNamespace(raw: string): string {
  const v = raw.trim();
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) {
    throw new UsageError(`namespace must be a Kubernetes namespace name (lowercase letters, digits, '-'), got "${raw}"`);
  }
  return v;
}

function checkCluster(raw: string): string {
  const v = raw.trim();
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(v)) throw new UsageError(`cluster must be the name of a registered cluster (lowercase letters, digits, '-'; see syntra clusters list), got "${raw}"`);
  return v;
}

export const SETTINGS: Record<SettingName, SettingSpec> = {
  endpoint: { name: 'endpoint', fileKey: 'endpoint', env: 'SYNTRA_ENDPOINT', secret: false, fallback: DEFAULT_ENDPOINT, describe: 'URL of the Syntra API', check: checkEndpoint },
  'api-key': { name: 'api-key', fileKey: 'apiKey', env: 'SYNTRA_API_KEY', secret: true, fallback: undefined, describe: 'API key sent as X-API-Key', check: checkApiKey },
  namespace: { name: 'namespace', fileKey: 'namespace', env: 'SYNTRA_NAMESPACE', secret: false, fallback: undefined, describe: 'default Kubernetes namespace for questions', check: checkNamespace },
  cluster: { name: 'cluster', fileKey: 'cluster', env: 'SYNTRA_CLUSTER', secret: false, fallback: undefined, describe: 'registered cluster for questions (`syntra clusters use`); unset: the default cluster', check: checkCluster },
  output: { name: 'output', fileKey: 'output', env: 'SYNTRA_OUTPUT', secret: false, fallback: 'text', describe: 'text or json', check: oneOf('output', ['text', 'json']) },
  color: { name: 'color', fileKey: 'color', env: 'SYNTRA_COLOR', secret: false, fallback: 'auto', describe: 'auto, always or never', check: oneOf('color', ['auto', 'always', 'never']) },
};

export function settingSpec(name: string): SettingSpec {
  if ((SETTING_NAMES as readonly string[]).includes(name)) return SETTINGS[name as SettingName];
  throw new UsageError(`unknown setting "${name}": valid settings are ${SETTING_NAMES.join(', ')}`);
}

/** `sk_admin_AbCd…wxyz` — enough to recognise a key, never enough to use it. */
export function maskSecret(value: string): string {
  const m = /^(sk_[a-z]+_)(.*)$/.exec(value);
  const [prefix, rest] = m ? [m[1]!, m[2]!] : ['', value];
  if (rest.length <= 8) return `${prefix}…`;
  return `${prefix}${rest.slice(0, 4)}…${rest.slice(-4)}`;
}
