import { UsageError } from '../exit.js';
import { readProjectConfig, type ProjectConfig } from './project-file.js';
import { DEFAULT_ENDPOINT, SETTING_NAMES, SETTINGS, type SettingName } from './settings.js';
import { readUserConfig, type LoadedUserConfig, type StoredSession } from './user-file.js';

/**
 * Effective settings, each with where it came from:
 * flags > SYNTRA_* environment > project .syntra/config.json > user config > defaults.
 * Two rules keep credentials where they belong (a repository's project file is not trusted):
 * - a stored API key is bound to the endpoint it was stored for and is never sent to another;
 * - an endpoint taken from a project file, other than the user's own, must be confirmed once on
 *   a terminal (remembered per file and endpoint) or allowed with --trust-project-endpoint.
 */
export type SettingSource = 'flag' | 'env' | 'project' | 'user' | 'default';

export interface ResolvedSetting {
  value: string | undefined;
  source: SettingSource;
  /** The env variable or file the value came from. */
  origin?: string;
}

export interface SettingFlags {
  endpoint?: string;
  apiKey?: string;
  namespace?: string;
  cluster?: string;
  output?: string;
  color?: string | boolean;
  json?: boolean;
  trustProjectEndpoint?: boolean;
}

/** Whether requests may go to the effective endpoint, or a project file's endpoint needs confirming first. */
export type EndpointCheck = { kind: 'ok' } | { kind: 'confirm'; file: string; endpoint: string; ownEndpoint: string };

/** How requests authenticate: an API key, a login session, or nothing yet. */
export type Credential =
  | { kind: 'key'; apiKey: string; source: SettingSource; origin?: string }
  | { kind: 'session'; session: StoredSession; origin: string }
  | { kind: 'none' };

export interface Settings {
  values: Record<SettingName, ResolvedSetting>;
  endpoint: string;
  namespace: string | undefined;
  /** The registered cluster questions go to; undefined: the default cluster. */
  cluster: string | undefined;
  output: 'text' | 'json';
  color: 'auto' | 'always' | 'never';
  credential: Credential;
  /** The user's own endpoint (flag, environment, user config or default: never a project file's). */
  ownEndpoint: string;
  endpointCheck: EndpointCheck;
  user: LoadedUserConfig;
  project: ProjectConfig | undefined;
  /** Things the user should fix, printed once to stderr (insecure file, key in a project file). */
  warnings: string[];
  env: Record<string, string | undefined>;
}

type Env = Record<string, string | undefined>;

function flagValue(name: SettingName, flags: SettingFlags): string | undefined {
  switch (name) {
    case 'endpoint':
      return flags.endpoint;
    case 'api-key':
      return flags.apiKey;
    case 'namespace':
      return flags.namespace;
    case 'cluster':
      return flags.cluster;
    case 'output':
      return flags.json ? 'json' : flags.output;
    case 'color':
      // Commander gives `false` for --no-color and a string for --color <when>.
      return flags.color === false ? 'never' : typeof flags.color === 'string' ? flags.color : undefined;
  }
}

function checked(name: SettingName, raw: string, where: string): string {
  try {
    return SETTINGS[name].check(raw);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

export function resolveSettings(flags: SettingFlags = {}, env: Env = process.env, cwd: string = process.cwd()): Settings {
  const user = readUserConfig(env);
  const project = readProjectConfig(cwd);
  const warnings: string[] = [];
  if (user.insecure) warnings.push(user.insecure);
  if (project && project.config.apiKey !== undefined) {
    warnings.push(`${project.path} contains an apiKey: secrets do not belong in a project file and it is ignored; use \`syntra login\` or SYNTRA_API_KEY`);
  }

  const values = {} as Record<SettingName, ResolvedSetting>;
  for (const name of SETTING_NAMES) {
    const spec = SETTINGS[name];
    const flag = flagValue(name, flags);
    const fromEnv = env[spec.env];
    const fromProject = spec.secret ? undefined : project?.config[spec.fileKey];
    const fromUser = spec.secret && user.insecure ? undefined : user.config[spec.fileKey];
    if (flag !== undefined) values[name] = { value: checked(name, flag, `--${name}`), source: 'flag' };
    else if (fromEnv) values[name] = { value: checked(name, fromEnv, spec.env), source: 'env', origin: spec.env };
    else if (typeof fromProject === 'string') values[name] = { value: checked(name, fromProject, project!.path), source: 'project', origin: project!.path };
    else if (typeof fromUser === 'string') values[name] = { value: checked(name, fromUser, user.path), source: 'user', origin: user.path };
    else values[name] = { value: spec.fallback, source: 'default' };
  }

  // NO_COLOR (no-color.org) beats configured colours; only an explicit flag overrides it.
  if (env.NO_COLOR && values.color.source !== 'flag') values.color = { value: 'never', source: 'env', origin: 'NO_COLOR' };

  const endpoint = values.endpoint.value!;
  const ownEndpoint = values.endpoint.source === 'project' ? (normalizedEndpoint(user.config.endpoint) ?? DEFAULT_ENDPOINT) : endpoint;
  const key = values['api-key'];
  const session = user.insecure ? undefined : user.config.session;
  let credential: Credential = { kind: 'none' };
  // A key given for this invocation wins; then a login session for this endpoint; then the stored key, for its own endpoint only.
  if (key.value && (key.source === 'flag' || key.source === 'env')) credential = { kind: 'key', apiKey: key.value, source: key.source, ...(key.origin ? { origin: key.origin } : {}) };
  else if (session && typeof session === 'object' && session.endpoint === endpoint && session.accessToken) credential = { kind: 'session', session, origin: user.path };
  else if (key.value) {
    const boundTo = storedKeyEndpoint(user.config);
    if (boundTo === endpoint) credential = { kind: 'key', apiKey: key.value, source: key.source, ...(key.origin ? { origin: key.origin } : {}) };
    else warnings.push(`the API key stored in ${user.path} belongs to ${boundTo} and is not sent to ${endpoint}; run \`syntra login --endpoint ${endpoint}\` to use one there`);
  }
  const endpointCheck = checkProjectEndpoint(values.endpoint, ownEndpoint, flags, user, project);

  return {
    values,
    endpoint,
    namespace: values.namespace.value,
    cluster: values.cluster.value,
    output: values.output.value as 'text' | 'json',
    color: values.color.value as Settings['color'],
    credential,
    ownEndpoint,
    endpointCheck,
    user,
    project,
    warnings,
    env,
  };
}

function normalizedEndpoint(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return SETTINGS.endpoint.check(raw);
  } catch {
    return undefined;
  }
}

/** The endpoint a stored key belongs to; files from before the binding: the endpoint stored beside the key. */
export function storedKeyEndpoint(config: LoadedUserConfig['config']): string {
  return normalizedEndpoint(config.apiKeyEndpoint) ?? normalizedEndpoint(config.endpoint) ?? DEFAULT_ENDPOINT;
}

function checkProjectEndpoint(setting: ResolvedSetting, own: string, flags: SettingFlags, user: LoadedUserConfig, project: ProjectConfig | undefined): EndpointCheck {
  const endpoint = setting.value!;
  if (setting.source !== 'project' || !project || endpoint === own || flags.trustProjectEndpoint) return { kind: 'ok' };
  // Confirmations in a file others can write are not the user's: ignore them like its credentials.
  const trusted = user.insecure ? undefined : user.config.trustedProjectEndpoints;
  if (trusted && typeof trusted === 'object' && trusted[project.path] === endpoint) return { kind: 'ok' };
  return { kind: 'confirm', file: project.path, endpoint, ownEndpoint: own };
}
