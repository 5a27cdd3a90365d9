import type { ContainerLog } from '../cluster/snapshot.js';
import { stripTimestamp, type LogFacts } from './extract.js';
import { LOG_PATTERNS, type LogCauseType, type LogPattern } from './patterns.js';

/**
 * Log classification: the last failing line decides (the failure right before the exit), so an
 * older failure that was fixed does not mask the newer one that explains the current state.
 */
export interface LogMatch {
  type: LogCauseType;
  patternId: string;
  tier: LogPattern['tier'];
  confidence: number;
  /** The exact line that matched, as logged (timestamp included). */
  line: string;
  lineIndex: number;
  /** The line plus the continuation lines that carry its facts (libpq host/port, goroutine header). */
  evidenceLines: string[];
  facts: LogFacts;
}

// Cheap gate before the pattern table: most log lines (access logs, info) mention none of these.
const MAY_MATCH =
  /refused|timed? ?out|ENOTFOUND|EAI_AGAIN|no such|not found|error|exception|panic|fatal|denied|forbidden|x509|certif|PKIX|SSL|memory|not set|must be set|required|missing|KeyError|placeholder|secret_key_base|Unhandled|Uncaught|EACCES|ECONN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|resol|host|exec|not known|CRITICAL|level|Parameter/i;

const STACK_FRAME = /^\s+(?:at |File "|\.\.\. \d+ more|[\w./-]+\.go:\d+)/;
const CONTEXT_WINDOW = 8;

interface LineMatch {
  pattern: LogPattern;
  m: RegExpExecArray;
}

export function matchLine(line: string): LineMatch | undefined {
  if (!MAY_MATCH.test(line)) return undefined;
  const text = stripTimestamp(line);
  for (const pattern of LOG_PATTERNS) {
    const m = pattern.regex.exec(text);
    if (m) return { pattern, m };
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

function toMatch(lines: readonly string[], i: number, lm: LineMatch): LogMatch {
  const line = lines[i]!;
  const next = continuation(lines, i);
  const facts = lm.pattern.extract ? lm.pattern.extract(lm.m, stripTimestamp(line), next.map(stripTimestamp)) : {};
  return {
    type: lm.pattern.type,
    patternId: lm.pattern.id,
    tier: lm.pattern.tier,
    confidence: lm.pattern.confidence,
    line,
    lineIndex: i,
    evidenceLines: [line, ...next],
    facts,
  };
}

/** Classifies one stream of log lines (oldest first) by its last failing line. */
export function classifyLines(lines: readonly string[]): LogMatch | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const lm = matchLine(lines[i]!);
    if (!lm) continue;
    const match = toMatch(lines, i, lm);
    return hasNames(match.facts) && !(match.type === 'dependency_unreachable' && isIp(match.facts.host)) ? match : enrichFromNearby(lines, match);
  }
  return undefined;
}

/**
 * A failure line without names (Node's `code: 'ECONNREFUSED'` after `Error: connect ECONNREFUSED
 * 10.96.1.2:5432`) takes them from a line of the same cause just before it; a connection refused
 * to a bare IP also picks up the service name an earlier line gave for the same port.
 */
function enrichFromNearby(lines: readonly string[], match: LogMatch): LogMatch {
  let result = match;
  for (let i = match.lineIndex - 1; i >= 0 && i >= match.lineIndex - CONTEXT_WINDOW; i -= 1) {
    const lm = matchLine(lines[i]!);
    if (!lm || lm.pattern.type !== match.type) continue;
    const earlier = toMatch(lines, i, lm);
    if (!hasNames(result.facts)) {
      if (hasNames(earlier.facts)) result = { ...earlier, confidence: Math.max(earlier.confidence, match.confidence) };
      continue;
    }
    const f = result.facts;
    const e = earlier.facts;
    if (result.type === 'dependency_unreachable' && isIp(f.host) && e.host && !isIp(e.host) && (!f.port || !e.port || e.port === f.port)) {
      return { ...result, facts: { ...f, host: e.host, address: f.host, ...(f.port ?? e.port ? { port: f.port ?? e.port } : {}) }, evidenceLines: [earlier.line, ...result.evidenceLines] };
    }
  }
  return result;
}

const isIp = (host: string | undefined): boolean => host !== undefined && /^(?:\d{1,3}\.){3}\d{1,3}$/.test(host);

const pickNames = (f: LogFacts): LogFacts => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as LogFacts;

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
