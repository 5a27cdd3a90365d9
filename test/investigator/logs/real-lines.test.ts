import { describe, expect, it } from 'vitest';
import { classifyLines, matchLine, type LogMatch } from '../../../src/investigator/logs/classify.js';
import { exitCodeMeaning, exitCodeReported } from '../../../src/investigator/logs/exit-codes.js';
import { stripTimestamp } from '../../../src/investigator/logs/extract.js';
import { LOG_PATTERNS } from '../../../src/investigator/logs/patterns.js';
import { loadRealLines, loadRealMessages, type RealMessage } from './real-lines.js';

/**
 * The pattern table against log lines real runtimes printed (test/fixtures/logs/real-lines, each
 * with its public source): every message is classified into its family with the names it
 * carries, benign lines are never failures, and every pattern is matched by a real line.
 */
const messages = loadRealMessages();
const allLines = loadRealLines().flatMap((f) => f.lines.map((l) => ({ ...l, family: f.family })));

/**
 * Messages the classifier does not get right, and why. A gap that starts passing fails the test,
 * so the list only ever shrinks.
 */
const KNOWN_GAPS: Record<string, string> = {
  "KeyError: 'face-recog'":
    'a KeyError on a lower-case, hyphenated key is a dictionary lookup like any other unless the traceback shows os.environ; reading every KeyError as configuration would misfile application bugs',
  'docker: invalid reference format.':
    "the docker CLI's own usage error (exit 125, docker failed before any container ran): it is never a container's log line; exitCodeMeaning(125) explains the status",
};

const LOG_FAMILIES = new Set([
  'missing_configuration', 'dependency_unreachable', 'dependency_slow', 'dns_resolution_failure', 'tls_certificate_error',
  'permission_denied', 'rbac_forbidden', 'bad_command', 'oom_killed', 'application_error', 'cpu_throttling',
  'network_policy_blocked',
]);

const title = (m: RealMessage): string => `${m.family}: ${m.lines[0]!.slice(0, 110)}`;

/** The names a message carries, as the classifier reports them. */
function expectNames(match: LogMatch, names: RealMessage['names']): void {
  const f = match.facts;
  for (const [key, want] of Object.entries(names)) {
    if (key === 'detail') expect(f.detail ?? '', key).toContain(String(want));
    // Rails names its setting `secret_key_base`; the variable that sets it is SECRET_KEY_BASE.
    else if (key === 'envVar') expect(f.envVar?.toLowerCase(), key).toBe(String(want).toLowerCase());
    else expect((f as Record<string, unknown>)[key], key).toBe(want);
  }
}

describe('real log lines are classified by family, with their names', () => {
  const failures = messages.filter((m) => LOG_FAMILIES.has(m.family));

  it.each(failures.map((m) => [title(m), m] as const))('%s', (_t, m) => {
    const match = classifyLines(m.lines);
    const gap = KNOWN_GAPS[m.lines[0]!];
    if (gap) {
      expect(match?.type, `known gap now classified: remove it from KNOWN_GAPS (${gap})`).not.toBe(m.family);
      return;
    }
    expect(match?.type, m.source).toBe(m.family);
    expectNames(match!, m.names);
    expect(m.lines).toContain(match!.line);
  });
});

describe('exit codes', () => {
  const exits = messages.filter((m) => m.family === 'exit_codes');

  it.each(exits.map((m) => [title(m), m] as const))('%s', (_t, m) => {
    const gap = KNOWN_GAPS[m.lines[0]!];
    const match = classifyLines(m.lines);
    if (gap) {
      expect(match, gap).toBeUndefined();
      return;
    }
    const code = m.names.exitCode;
    if (typeof code !== 'number') {
      // The file's lines without a status are the 126 class: a command that exists but cannot be executed.
      expect(match?.type, m.source).toBe('bad_command');
      expectNames(match!, m.names);
      return;
    }
    expect(m.lines.map(exitCodeReported)).toContain(code);
    // An OOMKilled reason says which SIGKILL it was; otherwise the code's own meaning decides.
    const expected = m.lines.some((l) => /OOMKilled/.test(l)) ? 'oom_killed' : exitCodeMeaning(code).type;
    expect(match?.type, `${code}: ${exitCodeMeaning(code).meaning}`).toBe(expected);
    if (!match) return;
    const { exitCode: _code, ...others } = m.names;
    expectNames(match, others);
    if (match.tier === 'exception') expect(match.facts.exitCode).toBe(code);
  });

  it('gives the meaning of the codes that name a cause', () => {
    expect(exitCodeMeaning(125).type).toBeUndefined();
    expect(exitCodeMeaning(126).type).toBe('bad_command');
    expect(exitCodeMeaning(127).type).toBe('bad_command');
    expect(exitCodeMeaning(137)).toMatchObject({ signal: 'SIGKILL' });
    expect(exitCodeMeaning(137).type).toBeUndefined();
    expect(exitCodeMeaning(139)).toMatchObject({ signal: 'SIGSEGV', type: 'application_error' });
    expect(exitCodeMeaning(143)).toMatchObject({ signal: 'SIGTERM' });
    expect(exitCodeMeaning(143).type).toBeUndefined();
    for (const code of [0, 1, 2, 125, 126, 127, 130, 134, 137, 139, 143, 255]) expect(exitCodeMeaning(code).meaning.length).toBeGreaterThan(10);
    expect(exitCodeMeaning(137).meaning).toMatch(/OOM/);
    expect(exitCodeMeaning(139).meaning).toMatch(/segmentation/i);
  });
});

describe('benign lines', () => {
  const benign = messages.filter((m) => m.family === 'benign');

  it.each(benign.map((m) => [title(m), m] as const))('%s is not a failure', (_t, m) => {
    expect(classifyLines(m.lines)).toBeUndefined();
    for (const l of m.lines) expect(classifyLines([l]), l).toBeUndefined();
  });

  it('are not a failure read together as one log', () => {
    expect(classifyLines(benign.flatMap((m) => m.lines))).toBeUndefined();
  });
});

describe('the pattern table', () => {
  it('has every pattern matched by at least one real line, and every regex of it', () => {
    const decided = new Set(allLines.map((l) => matchLine(l.line)?.pattern.id).filter(Boolean));
    expect(LOG_PATTERNS.map((p) => p.id).filter((id) => !decided.has(id))).toEqual([]);
    const unmatched = LOG_PATTERNS.flatMap((p) => p.regexes.map((r, i) => ({ id: `${p.id}[${i}]`, r })))
      .filter(({ r }) => !allLines.some((l) => r.test(l.line)))
      .map(({ id }) => id);
    expect(unmatched).toEqual([]);
  });

  it('admits by its keywords every real line its regexes match (the keywords gate the regexes)', () => {
    const missed = LOG_PATTERNS.flatMap((p) =>
      allLines.filter((l) => p.regexes.some((r) => r.test(stripTimestamp(l.line))) && !p.keywords.test(stripTimestamp(l.line))).map((l) => `${p.id}: ${l.line}`));
    expect(missed).toEqual([]);
  });

  it('matches each real line with the pattern its fixture entry names', () => {
    const wrong = allLines.filter((l) => matchLine(l.line)?.pattern.id !== l.pattern).map((l) => `${l.pattern ?? '(none)'} ≠ ${matchLine(l.line)?.pattern.id ?? '(none)'}: ${l.line}`);
    expect(wrong).toEqual([]);
  });

  it('has unique ids', () => {
    const ids = LOG_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads every real failure line the same with and without a leading timestamp', () => {
    for (const l of allLines.filter((x) => LOG_FAMILIES.has(x.family) && !x.continues)) {
      const plain = matchLine(l.line)?.pattern.id;
      expect(matchLine(`2025-03-14T10:00:00.123Z ${l.line}`)?.pattern.id, l.line).toBe(plain);
    }
  });
});
