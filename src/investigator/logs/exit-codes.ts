import type { LogCauseType } from './pattern-kit.js';

/**
 * What a container's exit status means. Shells and container runtimes reserve 125–127; above
 * 128 the status is 128 + the number of the signal that ended the process. `type` is the cause
 * the status alone establishes; it is absent when the status needs more evidence (137 is the
 * OOM killer only with reason OOMKilled, else a probe or a stop that outlasted its grace period).
 */
export interface ExitCodeMeaning {
  code: number;
  signal?: string;
  meaning: string;
  type?: LogCauseType;
}

const SIGNALS: Record<number, [string, string, LogCauseType?]> = {
  1: ['SIGHUP', 'hung up (its terminal or parent went away)'],
  2: ['SIGINT', 'interrupted (Ctrl-C)'],
  3: ['SIGQUIT', 'quit, with a core dump'],
  4: ['SIGILL', 'an illegal instruction (often a binary built for another CPU)', 'application_error'],
  6: ['SIGABRT', 'aborted itself (abort(), a failed assertion or a fatal runtime error)', 'application_error'],
  7: ['SIGBUS', 'a bus error (bad memory access)', 'application_error'],
  8: ['SIGFPE', 'a floating-point exception (e.g. division by zero)', 'application_error'],
  9: ['SIGKILL', 'killed by SIGKILL: the kernel OOM killer when the reason is OOMKilled, otherwise the kubelet after a failed liveness probe or a stop that outlasted terminationGracePeriodSeconds'],
  11: ['SIGSEGV', 'a segmentation fault: the process read or wrote memory it does not own (a native crash)', 'application_error'],
  13: ['SIGPIPE', 'wrote to a pipe or socket nobody reads'],
  14: ['SIGALRM', 'an alarm timer went off'],
  15: ['SIGTERM', 'stopped by SIGTERM: a normal stop (deletion, rollout, eviction, a failed liveness probe), not a crash by itself'],
};

const RESERVED: Record<number, [string, LogCauseType?]> = {
  0: ['exited successfully'],
  1: ['a general error reported by the application itself: its logs say why'],
  2: ['a usage error (bad arguments or shell builtin misuse)'],
  125: ['the container runtime failed before the command ran (docker run rejected its arguments or could not create the container)'],
  126: ['the command was found but could not be executed (not executable, or a directory)', 'bad_command'],
  127: ['the command was not found (wrong command or entrypoint, missing binary or interpreter, PATH)', 'bad_command'],
  255: ['exit status out of range, or the process exited with -1'],
};

export function exitCodeMeaning(code: number): ExitCodeMeaning {
  const reserved = RESERVED[code];
  if (reserved) return { code, meaning: reserved[0], ...(reserved[1] ? { type: reserved[1] } : {}) };
  const signal = code > 128 && code < 160 ? SIGNALS[code - 128] : undefined;
  if (signal) return { code, signal: signal[0], meaning: `${signal[0]} (${code} = 128 + ${code - 128}): ${signal[1]}`, ...(signal[2] ? { type: signal[2] } : {}) };
  if (code > 128 && code < 160) return { code, signal: `signal ${code - 128}`, meaning: `ended by signal ${code - 128} (${code} = 128 + ${code - 128})` };
  return { code, meaning: 'an application-specific error status: its logs say why' };
}

/**
 * The ways supervisors and runtimes report an exit status: docker compose (`exited with code`),
 * docker ps (`Exited (143)`), kubectl describe (`Exit Code:`), supervisord (`exit status 127;`),
 * heroku (`Process exited with status`), Cloud Foundry (`Exit status`), gunicorn (`was sent code`).
 */
const EXIT_WORDS = String.raw`\b(?:exited with (?:code|status)|exit (?:status|code):?|Exit (?:Code|status):?|Exited \(|was sent code)\s*`;
const EXIT_REPORT = new RegExp(`${EXIT_WORDS}(\\d{1,3})\\b`, 'i');

/** A line that reports one of these exit statuses. */
export const exitReportOf = (codes: readonly number[]): RegExp => new RegExp(`${EXIT_WORDS}(${codes.join('|')})\\b`, 'i');

export function exitCodeReported(line: string): number | undefined {
  const m = EXIT_REPORT.exec(line);
  return m?.[1] ? Number(m[1]) : undefined;
}
