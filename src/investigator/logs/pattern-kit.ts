import type { RootCauseType } from '../../domain/diagnosis.js';
import { hostPortIn, libpqHostPort, parseHostPort, type LogFacts } from './extract.js';

/** The causes a log line can establish on its own. */
export type LogCauseType = Extract<
  RootCauseType,
  | 'bad_command'
  | 'oom_killed'
  | 'cpu_throttling'
  | 'rbac_forbidden'
  | 'tls_certificate_error'
  | 'dns_resolution_failure'
  | 'dependency_unreachable'
  | 'dependency_slow'
  | 'permission_denied'
  | 'missing_configuration'
  | 'application_error'
  | 'network_policy_blocked'
>;

/**
 * One cause family as runtimes word it. tier `specific`: the line names a concrete cause.
 * tier `exception`: the line says the process failed (a panic, an uncaught exception, an exit
 * status) without saying why; a specific cause in the same failure wins over it.
 */
export interface LogPattern {
  id: string;
  type: LogCauseType;
  tier: 'specific' | 'exception';
  /**
   * A cheap test every wording of the family passes (a word they all contain): the regexes run only
   * on lines it admits, and the union of all of them is the gate before the table.
   */
  keywords: RegExp;
  /** The wordings of the family: a line matching any of them is a case of it (the first match gives the names). */
  regexes: readonly RegExp[];
  confidence: number;
  /**
   * Names from the match; `next` are the few lines after it (libpq spreads host/port over them),
   * `prev` the nearest non-blank line before it (pydantic names the setting on the line above its error).
   */
  extract?: (m: RegExpExecArray, line: string, next: readonly string[], prev?: string) => LogFacts;
}

type Extractor = NonNullable<LogPattern['extract']>;

export const specific = (id: string, type: LogCauseType, keywords: RegExp, regexes: readonly RegExp[], confidence: number, extract?: Extractor): LogPattern => ({
  id, type, tier: 'specific', keywords, regexes, confidence, ...(extract ? { extract } : {}),
});

export const generic = (id: string, type: LogCauseType, keywords: RegExp, regexes: readonly RegExp[], confidence: number, extract?: Extractor): LogPattern => ({
  id, type, tier: 'exception', keywords, regexes, confidence, ...(extract ? { extract } : {}),
});

/** Host and port: from a `hp` group (`db:5432`, `[::1]:5432`, `name/ip:port`), `host`/`port` groups, or the line. */
export const hostPort: Extractor = (m, line) => {
  const g = m.groups ?? {};
  if (g.hp) return parseHostPort(g.hp);
  if (g.host) return { host: g.host, ...(g.port ? { port: Number(g.port) } : {}) };
  return hostPortIn(line) ?? {};
};

/** As hostPort, then libpq's continuation lines (`Is the server running on host "db" ... port 5432?`). */
export const hostPortOrLibpq: Extractor = (m, line, next) => {
  const own = hostPort(m, line, next);
  return own.host ? own : { ...own, ...libpqHostPort([line, ...next]) };
};

/** The text of the match, trimmed, as the detail to quote. */
export const quoted = (m: RegExpExecArray): LogFacts => ({ detail: m[0].trim() });

export const merge = (...fs: Extractor[]): Extractor => (m, line, next) => Object.assign({}, ...fs.map((f) => f(m, line, next))) as LogFacts;
