import { HOST_PORT_GROUP, hostPortIn, parseHostPort, type HostPort } from './extract.js';

/**
 * Lines that are not failures but change how the failures around them read: known harmless
 * lines shaped like failures, evidence that a connection succeeded, a retry the program
 * announces, and the dependency a wait loop says it is waiting for.
 */

/** Shaped like failures, harmless where they appear; each entry says where. */
const HARMLESS: readonly RegExp[] = [
  // initdb probes `locale -a` through sh on Alpine, which has no `locale`, and carries on.
  /^sh: (?:\d+: )?locale: not found$/,
];

export const isHarmless = (text: string): boolean => HARMLESS.some((r) => r.test(text));

// The record's own level says info or below: JSON (`"level":"info"`, bunyan/pino's numeric 10–30), logfmt, a leading level word.
const INFO_LEVEL = /"level":\s*(?:"(?:info|debug|trace)"|[123]0\b)|\blevel=(?:info|debug|trace)\b|^\[?(?:INFO|DEBUG|TRACE)\b/i;

// The program says what it uses instead (Flask-SQLAlchemy 2's `SQLALCHEMY_DATABASE_URI not set. Defaulting to "sqlite:///:memory:".`).
const FALLS_BACK = /\b(?:[Dd]efaulting (?:\w+ )?to|[Uu]sing (?:the )?default|[Ff]alling back to)\b/;

/**
 * A setting the program reports missing at info level or below, or with the default it falls back
 * to, is a default it announces (`KUBE_NAMESPACE_ONLY not set. Watching pods in ALL namespaces.`),
 * not what stopped it.
 */
export const isAnnouncedDefault = (text: string, type: string): boolean => type === 'missing_configuration' && (INFO_LEVEL.test(text) || FALLS_BACK.test(text));

// "connected", not "not connected"/"disconnected"; a succeeded netcat probe; a server that is up.
const SUCCESS =
  /(?<!not |n't )\b(?:re)?connected(?: (?:to|successfully|with)\b|[.!]?\s*$)|\b[Ss]uccessfully (?:re)?connected\b|\b[Cc]onnection (?:established|succeeded|successful|is ready)\b|\battempt success\b|\bport \[[\w/*-]+\] succeeded\b|\bready (?:to accept|for) connections\b/;

/** The dependency a success line names ({} when it names none), or undefined when it is no success. */
export function successIn(text: string): HostPort | undefined {
  // cheap literal checks first: this runs on every line a failure search walks past
  if (!(text.includes('onnect') || text.includes('succe') || text.includes('ready'))) return undefined;
  if (!SUCCESS.test(text)) return undefined;
  return hostPortIn(text) ?? {};
}

/** A success that names no dependency, or the same one (by name, address or port), supersedes a failure. */
export function sameDependency(success: HostPort, failure: HostPort): boolean {
  if (!success.host || !failure.host) return true;
  if (success.host === failure.host || success.host === failure.address) return true;
  return success.port !== undefined && success.port === failure.port;
}

const RETRY = /\b(?:retrying|will retry|retry(?:ing)? in \d|retries left|not ready yet|[Ww]aiting\b|trying again|attempt \d+ ?(?:of|\/) ?\d+|sleeping \d+)/i;

/** The program says it will try again: one such line is a wait, not yet a failure. */
// A wait that ran out (`timeout occurred after waiting 30 seconds for db:5432`) is the failure itself.
const GAVE_UP = /\b(?:timeout occurred|[Tt]imeout after|gave up|giving up)\b/;

export const isRetryNotice = (text: string): boolean => RETRY.test(text) && !GAVE_UP.test(text);

const INTENT = new RegExp(String.raw`\b(?:[Cc]onnecting|[Tt]rying to connect|[Ww]aiting for|[Ww]ait for|[Rr]econnecting) (?:to )?(?:\w+ (?:at|on) )?${HOST_PORT_GROUP}`);

/** The host:port a wait loop or client announces before it tries (`Waiting for mysql:3306...`). */
export function intentIn(text: string): HostPort | undefined {
  const hp = INTENT.exec(text)?.groups?.hp;
  return hp ? parseHostPort(hp) : undefined;
}
