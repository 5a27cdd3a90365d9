import { firstGroup, type LogFacts } from './extract.js';
import { specific, type LogPattern } from './pattern-kit.js';

/**
 * Configuration the program needs is missing: an environment variable, a config key, a config
 * file. Names are extracted so the remediation can say which one to provide.
 */
const path = (m: RegExpExecArray): LogFacts => {
  const file = firstGroup(m);
  return file ? { file: file.trim() } : {};
};

const envVar = (m: RegExpExecArray): LogFacts => {
  const v = firstGroup(m);
  return v ? { envVar: v } : {};
};

export const CONFIG_PATTERNS: readonly LogPattern[] = [
  // An environment variable the program needs is not set, in the ways runtimes and libraries say it.
  specific('env-var-unset', 'missing_configuration', /variable|env|required|unbound|must specify|must be set|must not be empty|NotPresent|not set|missing|undefined|not defined/i, [
    // "<name> is not set / not defined / required": Bitnami images' validation (`The X environment variable is empty or not set`), Node apps, Apache's `Config variable ${X} is not defined`, VAR_NAME is missing,
    // Rust's `env::var("X").expect("X must be set")` panic (`X must be set: NotPresent`). The word after
    // "environment variable" is a name only when it is not the verb (`the "X" environment variable is required`).
    /(?:[Ee]nvironment variable|[Cc]onfig variable|\benv var(?:iable)?) [`'"]?\$?\{?(?!(?:is|was|are|not|must)\b)([A-Za-z_][\w.-]*)\}?[`'"]? (?:is )?(?:not set|not defined|undefined|missing|required|must be set|empty)|\b([A-Z][A-Z0-9]*_[A-Z0-9_]+) (?:env(?:ironment)? var(?:iable)? )?(?:is |IS )?(?:(?:empty or )?not set|must be set|required|missing|undefined|not defined|NOT SET|REQUIRED|MISSING|UNDEFINED|NOT DEFINED)\b/,
    // "set / missing / required <name>": django-environ, go-envconfig, envconfig, `Missing required environment variable: X`.
    /\b(?:[Ss]et|[Dd]efine|[Pp]rovide) (?:the )?[`'"]?([A-Z][A-Z0-9_]+)[`'"]? env(?:ironment)? var(?:iable)?|(?:[Mm]issing|[Rr]equired) (?:required )?(?:env|ENV|[Ee]nvironment)(?: var(?:iable)?)?s?:? [`'"]?([A-Z][A-Z0-9_]+)\b|missing required value: ([A-Z][A-Z0-9_]+)|required key ([A-Z][A-Z0-9_]+) missing value/,
    // Django's check on its own setting (`The SECRET_KEY setting must not be empty.`), read from the variable of that
    // name; t3-env/zod validating the environment at start-up (`❌ Invalid environment variables: { CRON_SECRET: [ 'Required' ] }`).
    /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+) setting must not be empty|Invalid environment variables:?\s*\{\s*['"]?([A-Z][A-Z0-9_]+)['"]?:\s*\[\s*'Required'/,
    // Rust's std::env::var failing (`VarError::NotPresent`) under whatever message the program gave
    // `expect` (`'HISTFILE not set: NotPresent'`, `User env var should exist: NotPresent`), and the
    // envy/config crates' `environment variable not found`.
    /(?:panicked at '|^)\$?([A-Z][A-Z0-9_]*)\b[^:'\n]*: NotPresent\b|: NotPresent\b|\b[Ee]nvironment variable not found\b/,
    // bash `set -u`
    /(?:^|: )([A-Za-z_]\w*): unbound variable/,
    // Official images' entrypoints: postgres, mysql, mariadb (`You must specify POSTGRES_PASSWORD to a non-empty value`).
    /\b[Yy]ou (?:must|need to) specify (?:one of )?([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/,
  ], 0.92, (m, line) => {
    const script = /unbound variable/.test(m[0]) ? /^(\S+): line \d+:/.exec(line)?.[1] : undefined;
    return { ...envVar(m), ...(script ? { file: script } : {}) };
  }),
  // The database refuses the credentials the program is configured with: PostgreSQL (its clients
  // quote the server's FATAL), MySQL/MariaDB (`(using password: NO)` is a password never given).
  // The database or cache refuses the credentials the program is configured with (or gave none): PostgreSQL
  // (its clients quote the server's FATAL), MySQL/MariaDB (`(using password: NO)` is a password never given),
  // SQL Server, MongoDB's SCRAM handshake as each driver words it, Redis (no password sent, or the wrong one).
  specific('db-auth-failed', 'missing_configuration', /authentication failed|Access denied for user|Login failed for user|auth failed|AuthenticationFailed|NOAUTH|WRONGPASS/i, [
    /password authentication failed for user "(?<user>[^"]+)"/,
    /Access denied for user '(?<user>[^']+)'@'[^']*' \(using password: (?:YES|NO)\)/,
    /\bLogin failed for user '(?<user>[^']*)'/,
    /unable to authenticate using mechanism \\?"[\w-]+\\?": \(AuthenticationFailed\)|\bSCRAM failure: Authentication failed|\bMongoError: auth failed/,
    /\bNOAUTH Authentication required|\bWRONGPASS invalid username-password pair/i,
  ], 0.85, (m) => ({ ...(m.groups?.user ? { user: m.groups.user } : {}), detail: m[0] })),
  // A variable that is set but to a value the program rejects: kured's `Invalid value for env var
  // named KURED_METRICS_PORT`, `invalid value for environment variable X`.
  specific('env-var-invalid', 'missing_configuration', /[Ii]nvalid/, [
    /[Ii]nvalid (?:value|format|setting) (?:for|of|in) (?:the )?(?:env(?:ironment)?(?: var(?:iable)?)?|config(?:uration)? (?:variable|key|option|setting)) (?:named )?[`'"]?\$?([A-Za-z_][\w.-]*)/,
  ], 0.88, envVar),
  // "<NAME> is a required/mandatory (environment) variable": the check programs write by hand before reading a
  // variable (Go `panic("DB_HOST is a required environment variable")`, Node `throw new Error(`${key} is a required
  // environment variable`)`, Syringe's `SYRINGE_TIER is a required variable.`), the article that the wordings
  // of env-var-unset do not take.
  specific('env-var-required-article', 'missing_configuration', /is an? (?:required|mandatory)/, [
    /\b[`'"]?([A-Z][A-Z0-9]*_[A-Z0-9_]+)[`'"]? is an? (?:required|mandatory) (?:(?:environment|env|config(?:uration)?) )?(?:variable|var|setting)\b/,
  ], 0.9, envVar),
  // A commercial image whose evaluation or licence ran out refuses to start (SQL Server's
  // `The evaluation period has expired.`, `License expired`, `trial period has expired`).
  specific('license-expired', 'missing_configuration', /expired/i, [
    /\b(?:[Ee]valuation|[Tt]rial)(?: period| version| edition| licen[cs]e)? (?:has )?expired\b|\b[Ll]icen[cs]e(?: key)? (?:has )?(?:expired|is expired)\b/,
  ], 0.8, (m) => ({ detail: m[0] })),
  // Python's os.environ['X'] and Ruby's ENV.fetch('X') on an unset variable.
  specific('env-key-error', 'missing_configuration', /key not found|KeyError/, [
    /KeyError: (?:key not found: )?['"]([A-Z][A-Z0-9_]+)['"]|`fetch': key not found: "([A-Z][A-Z0-9_]+)"/,
  ], 0.9, envVar),
  // pydantic-settings validating the environment at start-up: the setting it could not find is named on the
  // line above (`API_ID` then `  Field required [type=missing, …]`; v1: `field required (type=value_error.missing)`).
  specific('settings-field-missing', 'missing_configuration', /ield required/, [
    /^\s*[Ff]ield required (?:\[type=missing\b|\(type=value_error\.missing\))/,
  ], 0.85, (_m, _line, _next, prev) => {
    const name = prev && /^([A-Za-z_][\w.]*)\s*$/.exec(prev)?.[1];
    return name ? { envVar: name } : {};
  }),
  // Spring Boot's start-up report when no database URL was configured (spring.datasource.url / SPRING_DATASOURCE_URL).
  specific('spring-datasource-url', 'missing_configuration', /DataSource/, [
    /Failed to configure a DataSource: 'url' attribute is not specified/,
  ], 0.88, (m) => ({ detail: `${m[0]} (spring.datasource.url)` })),
  // Config libraries that name the setting they could not find in any source: python-decouple, SmallRye Config (Quarkus, also
  // its older `Property X not found`); and Mongoose handed an undefined connection URI (the variable holding it is unset).
  specific('config-property-missing', 'missing_configuration', /not found|could not be found|openUri/, [
    /\bUndefinedValueError: (?<name>[\w.-]+) not found\. Declare it as envvar/,
    /\bThe config property (?<name>\S+) is required but it could not be found in any config source|NoSuchElementException: (?:Required )?[Pp]roperty (?<name2>\S+) not found/,
    /The `uri` parameter to `openUri\(\)` must be a string, got "undefined"/,
  ], 0.88, (m) => {
    const name = m.groups?.name ?? m.groups?.name2;
    return name ? { envVar: name } : { detail: m[0] };
  }),
  // A library or framework that names the setting it needs and did not get, in its own words (each from its source):
  // the Kafka clients' ConfigDef (`Missing required configuration "bootstrap.servers" which has no default value.`),
  // Flask-SQLAlchemy 3 (`Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.`), client-go's
  // rest.InClusterConfig and the Python client's (`Service host/port is not set.`), both run outside a pod or without
  // the service environment; Django started without DJANGO_SETTINGS_MODULE (`Requested setting X, but settings are not configured.`).
  specific('setting-required', 'missing_configuration', /Missing required configuration|must be set|must be defined|host\/port is not set|settings are not configured/, [
    /\bMissing required configuration "(?<name>[\w.-]+)" which has no default value/,
    /\bEither '(?<name>[A-Z][A-Z0-9_]+)' or '[A-Z][A-Z0-9_]+' must be set/,
    /\bunable to load in-cluster configuration, (?<name>KUBERNETES_SERVICE_HOST) and KUBERNETES_SERVICE_PORT must be defined|ConfigException: Service host\/port is not set/,
    /\bbut settings are not configured\. You must either define the environment variable (?<name>DJANGO_SETTINGS_MODULE)/,
  ], 0.88, (m) => (m.groups?.name ? { envVar: m.groups.name } : { envVar: 'KUBERNETES_SERVICE_HOST' })),
  // A secret the framework reads from one variable, reported without the variable's name: Laravel's
  // MissingAppKeyException (APP_KEY), node-postgres handed no password (its SASL client checks the type:
  // `client password must be a string`, `… a non-empty string` since pg 8.9).
  specific('secret-setting-missing', 'missing_configuration', /application encryption key|client password must be/, [
    /\bNo application encryption key has been specified/,
    /\bSASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a (?:non-empty )?string/,
  ], 0.86, (m) => (/encryption key/.test(m[0]) ? { envVar: 'APP_KEY', detail: m[0] } : { detail: `${m[0]} (the database password it was configured with is not set)` })),
  specific('spring-placeholder', 'missing_configuration', /placeholder/, [/Could not resolve placeholder '([^']+)'/], 0.9, envVar),
  // Rails: `secret_key_base` in backticks, or straight quotes on Ruby 3.4; SECRET_KEY_BASE is the variable that sets it.
  specific('rails-secret-key-base', 'missing_configuration', /secret_key_base/, [
    /Missing [`'"]secret_key_base[`'"] for '\w+' environment(?:.*? set this value in [`'"](?<file>[^`'"]+)[`'"])?/,
  ], 0.9, (m) => ({ envVar: 'SECRET_KEY_BASE', ...(m.groups?.file ? { file: m.groups.file } : {}) })),
  // .NET: a connection string read from configuration that is not there.
  specific('dotnet-null-connection-string', 'missing_configuration', /connection ?string/i, [
    /Value cannot be null\. \(Parameter '(\w*[Cc]onnection[Ss]tring\w*)'\)|^Parameter name: (\w*[Cc]onnection[Ss]tring\w*)/,
  ], 0.85, envVar),
  // .NET: any setting read from configuration that is not there reaches a constructor as null.
  specific('dotnet-null-setting', 'missing_configuration', /Parameter/, [
    /^\s*Parameter name: (\w+)\s*$|Value cannot be null\. \(Parameter '(\w+)'\)/,
  ], 0.7, envVar),
  // Kubernetes injects `<SERVICE>_PORT=tcp://<cluster IP>:<port>` for every Service of the
  // namespace (docker-link style); a program whose own setting has that name reads the URL where it
  // expects a number. Only a conversion failure on such a URL counts: `Listening on tcp://…` is not one.
  specific('service-link-port', 'missing_configuration', /(?:tcp|udp|sctp):\/\//, [
    /^(?=.*(?:not a valid integer|invalid syntax|[Ff]ailed to convert|NumberFormatException|For input string|[Ii]nvalid port|ERR_SOCKET_BAD_PORT|invalid literal for int\(\)|is not a (?:valid )?number)).*?((?:tcp|udp|sctp):\/\/(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]):\d+)/,
  ], 0.9, (m, line) => {
    const name = /\b([A-Z][A-Z0-9_]*_PORT)\b/.exec(line)?.[1];
    return { serviceLink: m[1]!, ...(name ? { envVar: name } : {}) };
  }),
  // A configuration file or source that is missing or unreadable.
  specific('config-file-unreadable', 'missing_configuration', /config|property source|loading failed|syntax error|\[emerg\]/i, [
    // nginx at start-up: its configuration, or a file it includes, is not there (a volume mounted over /etc/nginx, a missing ConfigMap key)
    /\[emerg\] (?:\d+#\d+: )?open\(\) "([^"]+)" failed \(2: No such file or directory\)/,
    /\bconfig(?:uration)? file (?:not found|does not exist|is missing|missing)(?: at| in)?:? ['"]?([^\s'"]+?)['"]?(?:[\s,]|\.?$)/i,
    /(?:Can't|Cannot|Could not|Unable to|Failed to) (?:open|read|load|find|parse) (?:the )?config(?:uration)? file:? (?:read |open )?['"]?([^\s'":]+)/i,
    // PHP reading a broken ini file at start-up (`PHP:  syntax error, unexpected '!' in /usr/local/etc/php/conf.d/x.ini on line 2`)
    /^PHP:\s+syntax error, .+? in (\S+\.ini) on line \d+/,
    /Invalid \S*config\S* path: (\S+)|Failed to load property source from location '([^']+)'|[Ss]yntax error on line \d+ of (\S+?):|failed to initialize using configuration from '([^']+)'|files? loading failed: .* in "([^"]+)" dir/,
  ], 0.88, path),
  specific('node-enoent', 'missing_configuration', /ENOENT/, [/ENOENT: no such file or directory, (?:open|stat|scandir|lstat|access|readdir) '([^']+)'/], 0.88, path),
  specific('python-file-not-found', 'missing_configuration', /No such file|FileNotFoundError/, [
    /(?:FileNotFoundError|IOError|OSError): \[Errno 2\] No such file or directory: '([^']+)'|FileNotFoundError: .*?(\/[^\s'"]+)\s*$/,
  ], 0.88, path),
  specific('java-file-not-found', 'missing_configuration', /FileNotFoundException/, [/FileNotFoundException: (\S+) \((?:No such file or directory|The system cannot find the (?:file|path) specified)\)/], 0.88, path),
  // Go's os errors for a file that is not there, opened or stat'ed (`stat /root/.kube/config: no such file or directory`).
  specific('go-open-missing', 'missing_configuration', /no such file/, [/\b(?:open|stat|lstat) ([^\s:"]+): no such file or directory/], 0.88, path),
];
