import type { LogPattern } from './pattern-kit.js';
import { PERMISSION_PATTERNS, RBAC_PATTERNS } from './patterns-access.js';
import { API_SERVER_PATTERNS } from './patterns-apiserver.js';
import { CONFIG_PATTERNS } from './patterns-config.js';
import { CRASH_PATTERNS, EXCEPTION_PATTERNS, EXIT_PATTERNS } from './patterns-crash.js';
import { CONNECT_TIMEOUT_PATTERNS, SLOW_PATTERNS, UNREACHABLE_PATTERNS } from './patterns-dependency.js';
import { COMMAND_PATTERNS, MEMORY_PATTERNS, THROTTLING_PATTERNS } from './patterns-process.js';
import { DNS_PATTERNS, TLS_PATTERNS } from './patterns-tls-dns.js';

export type { LogCauseType, LogPattern } from './pattern-kit.js';

/**
 * The ordered pattern table, one entry per cause family and the ways runtimes word it. The first
 * pattern that matches a line decides that line's cause, so order matters: "exec ...: no such
 * file" is a bad command before it is a missing file; an RBAC message also says "forbidden";
 * an x509 or lookup error also names a host:port; a read timeout also says "timed out"; a
 * specific cause in an exception's message beats the exception. Every pattern is matched by a
 * real log line in test/fixtures/logs/real-lines (test/investigator/logs/real-lines.test.ts).
 */
export const LOG_PATTERNS: readonly LogPattern[] = [
  ...COMMAND_PATTERNS,
  ...MEMORY_PATTERNS,
  ...THROTTLING_PATTERNS,
  ...RBAC_PATTERNS,
  ...API_SERVER_PATTERNS,
  ...TLS_PATTERNS,
  ...DNS_PATTERNS,
  ...CONNECT_TIMEOUT_PATTERNS,
  ...SLOW_PATTERNS,
  ...UNREACHABLE_PATTERNS,
  ...PERMISSION_PATTERNS,
  ...CONFIG_PATTERNS,
  ...CRASH_PATTERNS,
  ...EXIT_PATTERNS,
  ...EXCEPTION_PATTERNS,
];
