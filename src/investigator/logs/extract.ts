/**
 * Pulls the concrete names out of a log line: host:port, file paths, env var names.
 * Used by the pattern table when a pattern's own groups do not carry them.
 */
export interface LogFacts {
  host?: string;
  port?: number;
  /** The IP a host name resolved to, when a log line gave both. */
  address?: string;
  envVar?: string;
  file?: string;
  /** RBAC: user, verb and resource from a "forbidden" message. */
  user?: string;
  verb?: string;
  resource?: string;
  /** The exception or error text worth quoting in a summary. */
  detail?: string;
}

const TIMESTAMP_PREFIX = /^(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\[\d{4}-\d{2}-\d{2}[^\]]*\])\s+/;

/** Drops a leading timestamp (kubectl --timestamps, most loggers) so anchored patterns match. */
export const stripTimestamp = (line: string): string => line.replace(TIMESTAMP_PREFIX, '');

const URL_HOST = /\b(?:https?|postgres(?:ql)?|mysql|redis|amqp|mongodb|grpc|tcp):\/\/(?:[^@\s/]*@)?([a-z0-9][\w.-]*)(?::(\d{1,5}))?/i;
// host:port where the host is a DNS name with a letter or a dotted IPv4; excludes clock times like 10:23:45.
const HOST_PORT = /(?<![\w.:/-])((?:\d{1,3}\.){3}\d{1,3}|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)(?:\/(?:\d{1,3}\.){3}\d{1,3})?:(\d{2,5})(?![\d:])/i;

export function hostPortIn(text: string): { host: string; port?: number } | undefined {
  const url = URL_HOST.exec(text);
  if (url?.[1]) return { host: url[1], ...(url[2] ? { port: Number(url[2]) } : {}) };
  const hp = HOST_PORT.exec(text);
  if (hp?.[1] && hp[2]) return { host: hp[1], port: Number(hp[2]) };
  return undefined;
}

/** libpq spreads host and port over the lines after "could not connect to server". */
export function libpqHostPort(lines: readonly string[]): { host?: string; port?: number } {
  const text = lines.join(' ');
  const host = /host "([^"]+)"/.exec(text)?.[1] ?? /server at "([^"]+)"/.exec(text)?.[1];
  const port = /port (\d{2,5})/.exec(text)?.[1];
  return { ...(host ? { host } : {}), ...(port ? { port: Number(port) } : {}) };
}

/** A service-account user `system:serviceaccount:ns:name` → its name. */
export function serviceAccountOf(user: string | undefined): string | undefined {
  const m = /^system:serviceaccount:[^:]+:(.+)$/.exec(user ?? '');
  return m?.[1];
}
