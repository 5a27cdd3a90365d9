import type { ContainerLog } from '../cluster/snapshot.js';
import { isIp, serviceNameIn, stripTimestamp, type HostPort, type LogFacts } from './extract.js';
import { withPanicSite } from './go-panic-site.js';
import { LOG_PATTERNS, type LogCauseType, type LogPattern } from './patterns.js';
import { intentIn, isAnnouncedDefault, isHarmless, isRetryNotice, sameDependency, successIn } from './signals.js';

/**
 * Log classification. The last failing line decides (the failure right before the exit), so an
 * older failure that was fixed does not mask the newer one that explains the current state, with
 * three refinements:
 * - a connection failure followed by a success for the same dependency was retried and is not a
 *   cause; one announced retry ("not ready yet, waiting") is a wait, two without success are a failure;
 * - when the decisive line only says the process crashed (an exception, panic or exit status), a
 *   specific cause in the same failure, just before it, wins;
 * - a failure without names takes them from the lines around it (an earlier line of the same
 *   cause, the host a wait loop announced).
 */
export interface LogMatch {
  type: LogCauseType;
  patternId: string;
  tier: LogPattern['tier'];
  confidence: number;
  /** The exact line that matched, as logged (timestamp included). */
  line: string;
  lineIndex: number;
  /** The line plus the continuation lines that carry its facts (libpq host/port, goroutine header, the crash it caused). */
  evidenceLines: string[];
  facts: LogFacts;
  /** Lines of the stream that report the same failure (same cause and, when named, the same host, variable or file). */
  occurrences: number;
}

// Each family's keywords together: a line none of them admits is skipped by the whole family.
const FAMILY_KEYWORDS = new Map<LogCauseType, RegExp>(
  [...new Set(LOG_PATTERNS.map((p) => p.type))].map((t) => [t, new RegExp(LOG_PATTERNS.filter((p) => p.type === t).map((p) => `(?:${p.keywords.source})`).join('|'), 'i')]),
);

// Every family's keywords in one expression: most log lines concern none, and are let go after one test.
const ANY_KEYWORD = new RegExp([...FAMILY_KEYWORDS.values()].map((r) => `(?:${r.source})`).join('|'), 'i');

const STACK_FRAME = /^\s+(?:at |File "|\.\.\. \d+ more|[\w./-]+\.go:\d+)/;
// Lines inside one failure that do not count towards its extent: frames, indented detail, chain markers.
const PART_OF_TRACE = /^(?:\s|Traceback \(most recent call last\)|The above exception|During handling of the above|Caused by:\s*$|goroutine \d+ \[|$)/;
const CONTEXT_WINDOW = 8;
/** How many lines before a crash line still belong to the same failure. */
const FAILURE_WINDOW = 6;
const CONNECTION: ReadonlySet<LogCauseType> = new Set(['dependency_unreachable', 'dns_resolution_failure', 'dependency_slow', 'tls_certificate_error', 'network_policy_blocked']);
const DEPENDENCY: ReadonlySet<LogCauseType> = new Set(['dependency_unreachable', 'dns_resolution_failure', 'dependency_slow']);

interface LineMatch {
  pattern: LogPattern;
  m: RegExpExecArray;
}

export function matchLine(line: string): LineMatch | undefined {
  const text = stripTimestamp(line);
  if (!ANY_KEYWORD.test(text)) return undefined;
  // Each family's keywords once, then the keywords of its patterns: a line rarely concerns more than two families.
  const admitted = new Map<LogCauseType, boolean>();
  for (const pattern of LOG_PATTERNS) {
    let family = admitted.get(pattern.type);
    if (family === undefined) {
      family = FAMILY_KEYWORDS.get(pattern.type)!.test(text);
      admitted.set(pattern.type, family);
    }
    if (!family || !pattern.keywords.test(text)) continue;
    for (const regex of pattern.regexes) {
      const m = regex.exec(text);
      if (m) return isHarmless(text) || isAnnouncedDefault(text, pattern.type) ? undefined : { pattern, m };
    }
  }
  return undefined;
}

/** Indented lines right after a match (libpq's "Is the server running on host ..."), and Go's goroutine header. */
function continuation(lines: readonly string[], i: number): string[] {
  const out: string[] = [];
  for (let j = i + 1; j < lines.length && j <= i + 3 && out.length < 2; j += 1) {
    const next = lines[j]!;
    const text = stripTimestamp(next);
    if (text.trim() === '') continue;
    if (/^goroutine \d+ \[/.test(text)) {
      out.push(next);
      break;
    }
    if (!/^\s/.test(text) || STACK_FRAME.test(text)) break;
    out.push(next);
  }
  return out;
}

const hasNames = (f: LogFacts): boolean => Boolean(f.host || f.envVar || f.file || f.user);
const needsNames = (m: LogMatch): boolean => !hasNames(m.facts) || (DEPENDENCY.has(m.type) && isIp(m.facts.host));

/** The nearest non-blank line before line `i`, without its timestamps. */
function previousLine(lines: readonly string[], i: number): string | undefined {
  for (let j = i - 1; j >= 0 && j >= i - 3; j -= 1) {
    const text = stripTimestamp(lines[j]!);
    if (text.trim() !== '') return text;
  }
  return undefined;
}

/** A dependency failure on a bare IP takes the service name the same line gives for that port. */
function namedInLine(type: LogCauseType, facts: LogFacts, line: string): LogFacts {
  if (!DEPENDENCY.has(type) || !isIp(facts.host) || facts.port === undefined || facts.address) return facts;
  const name = serviceNameIn(line, facts.port);
  return name ? { ...facts, host: name, address: facts.host } : facts;
}

function toMatch(lines: readonly string[], i: number, lm: LineMatch): LogMatch {
  const line = lines[i]!;
  const next = continuation(lines, i);
  const text = stripTimestamp(line);
  const facts = lm.pattern.extract ? namedInLine(lm.pattern.type, lm.pattern.extract(lm.m, text, next.map(stripTimestamp), previousLine(lines, i)), text) : {};
  return {
    type: lm.pattern.type,
    patternId: lm.pattern.id,
    tier: lm.pattern.tier,
    confidence: lm.pattern.confidence,
    line,
    lineIndex: i,
    evidenceLines: [line, ...next],
    facts,
    occurrences: 1,
  };
}

/**
 * A stream of lines, matched lazily: the decisive failure is usually near the end, so most lines
 * of a long log are never run through the table.
 */
class Stream {
  private readonly memo: (LineMatch | null | undefined)[];
  constructor(readonly lines: readonly string[]) {
    this.memo = new Array<LineMatch | null | undefined>(lines.length);
  }

  at(i: number): LineMatch | undefined {
    let m = this.memo[i];
    if (m === undefined) {
      m = matchLine(this.lines[i]!) ?? null;
      this.memo[i] = m;
    }
    return m ?? undefined;
  }

  text(i: number): string {
    return stripTimestamp(this.lines[i]!);
  }

  /** The dependency a success line names ({} when none); undefined when the line is no success. */
  success(i: number): HostPort | undefined {
    const success = successIn(this.text(i));
    return success && !this.at(i) ? success : undefined;
  }
}

/** Classifies one stream of log lines (oldest first) by its decisive failure. */
export function classifyLines(lines: readonly string[]): LogMatch | undefined {
  const s = new Stream(lines);
  const successes: HostPort[] = [];
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const lm = s.at(i);
    if (!lm) {
      const success = s.success(i);
      if (success) successes.push(success);
      continue;
    }
    const match = toMatch(lines, i, lm);
    if (CONNECTION.has(match.type)) {
      if (successes.some((x) => sameDependency(x, match.facts))) continue;
      if (isRetryNotice(lines[i]!) && retryNotices(s, i, match.type) < 2) continue;
    }
    const decided = match.tier === 'exception' ? (causeBefore(s, match) ?? match) : match;
    const named = needsNames(decided) ? enrichFromNearby(s, decided) : decided;
    return { ...withPanicSite(lines, named), occurrences: occurrencesOf(s, named) };
  }
  return undefined;
}

/** Announced retries of this cause since the last success, up to and including line `i`. */
function retryNotices(s: Stream, i: number, type: LogCauseType): number {
  let count = 0;
  for (let k = i; k >= 0; k -= 1) {
    if (isRetryNotice(s.lines[k]!)) {
      if (s.at(k)?.pattern.type === type) count += 1;
    } else if (s.success(k)) break;
  }
  return count;
}

/** The specific cause just before a crash line, within the same failure (stack frames do not count). */
function causeBefore(s: Stream, crash: LogMatch): LogMatch | undefined {
  let seen = 0;
  for (let j = crash.lineIndex - 1; j >= 0 && seen < FAILURE_WINDOW; j -= 1) {
    if (s.success(j)) return undefined;
    if (!PART_OF_TRACE.test(s.text(j))) seen += 1;
    const f = s.at(j);
    // A connection failure the program announced it would retry once is a wait, as it is when it decides (classifyLines).
    if (f && CONNECTION.has(f.pattern.type) && isRetryNotice(s.lines[j]!) && retryNotices(s, j, f.pattern.type) < 2) continue;
    if (f?.pattern.tier === 'specific') {
      const cause = toMatch(s.lines, j, f);
      return { ...cause, evidenceLines: [...cause.evidenceLines, crash.line] };
    }
  }
  return undefined;
}

/**
 * A failure line without names (Node's `code: 'ECONNREFUSED'` after `Error: connect ECONNREFUSED
 * 10.96.1.2:5432`) takes them from a line of the same cause just before it; a connection refused
 * to a bare IP also picks up the service name an earlier line or a wait loop gave for the same port.
 */
function enrichFromNearby(s: Stream, match: LogMatch): LogMatch {
  let result = match;
  for (let i = match.lineIndex - 1; i >= 0 && i >= match.lineIndex - CONTEXT_WINDOW; i -= 1) {
    const lm = s.at(i);
    if (lm && lm.pattern.type === result.type) {
      const earlier = toMatch(s.lines, i, lm);
      if (!hasNames(result.facts)) {
        if (hasNames(earlier.facts)) result = { ...earlier, confidence: Math.max(earlier.confidence, result.confidence) };
        continue;
      }
      result = withServiceName(result, earlier.facts, earlier.line);
    } else if (!lm && DEPENDENCY.has(result.type)) {
      const intent = intentIn(s.text(i));
      if (intent) result = hasNames(result.facts) ? withServiceName(result, intent, s.lines[i]!) : { ...result, facts: { ...result.facts, ...intent }, evidenceLines: [s.lines[i]!, ...result.evidenceLines] };
    }
    if (!needsNames(result)) return result;
  }
  return result;
}

/** A failure to a bare IP named after the service an earlier line gave for the same port. */
function withServiceName(result: LogMatch, e: LogFacts, line: string): LogMatch {
  const f = result.facts;
  if (!DEPENDENCY.has(result.type) || !isIp(f.host) || !e.host || isIp(e.host)) return result;
  if (f.port && e.port && e.port !== f.port) return result;
  const port = f.port ?? e.port;
  return { ...result, facts: { ...f, host: e.host, address: f.host, ...(port ? { port } : {}) }, evidenceLines: [line, ...result.evidenceLines] };
}

/** Lines reporting the same failure: the same cause and the same first name (host, variable, file, user). */
function occurrencesOf(s: Stream, match: LogMatch): number {
  const key = (f: LogFacts): string | undefined => f.host ?? f.envVar ?? f.file ?? f.user;
  const wanted = new Set([key(match.facts), match.facts.address].filter((k): k is string => k !== undefined));
  const family = FAMILY_KEYWORDS.get(match.type)!;
  let count = 0;
  for (let i = 0; i < s.lines.length; i += 1) {
    if (i !== match.lineIndex && !family.test(s.lines[i]!)) continue;
    const f = s.at(i);
    if (f?.pattern.type !== match.type) continue;
    if (wanted.size === 0 || i === match.lineIndex || wanted.has(key(toMatch(s.lines, i, f).facts) ?? '')) count += 1;
  }
  return Math.max(count, 1);
}

export interface ContainerLogMatch extends LogMatch {
  previous: boolean;
  container: string;
}

/**
 * Classifies a container's logs: the previous (crashed) instance shows the failure before the
 * exit; when the current instance shows a different, newer failure, the newer one wins.
 */
export function classifyContainerLogs(current: ContainerLog | undefined, previous: ContainerLog | undefined): ContainerLogMatch | undefined {
  const prev = previous ? classifyLines(previous.lines) : undefined;
  const cur = current ? classifyLines(current.lines) : undefined;
  const container = current?.container ?? previous?.container ?? '';
  if (prev && (!cur || (cur.type === prev.type && cur.line === prev.line) || (cur.type === prev.type && prev.tier === 'specific'))) {
    return { ...prev, previous: true, container };
  }
  return cur ? { ...cur, previous: false, container } : undefined;
}
