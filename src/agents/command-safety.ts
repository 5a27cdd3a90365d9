/**
 * Is a remediation command safe to show as "read-only, copy and run"? Commands come from the
 * catalogue but also from a model that may have read an injected log line, so the rule is an
 * allowlist, checked on the shell's own terms:
 * - `read`: every `;`/`&&`/`||` segment is a kubectl read (get, describe, logs, top, events, …)
 *   that cannot redirect its credentials or write a local file, optionally piped into a fixed
 *   list of text filters (grep, sort, jq, …) used without their file-writing options;
 * - `write`: the same shape, but some kubectl verb changes the cluster (or is unknown: a plugin,
 *   a new verb) — shown only as a write that needs approval;
 * - `unsafe`: anything else — another program, command substitution, variables, redirects,
 *   subshells, background jobs, globs, credential-redirecting kubectl flags, printing secret
 *   values. The reviewer drops these: they are not something to approve either.
 */
export type CommandKind = 'read' | 'write' | 'unsafe';

export interface CommandVerdict {
  kind: CommandKind;
  /** Why a command is a write or unsafe (empty for reads). */
  reason: string;
}

const READ_VERBS = new Set(['get', 'describe', 'logs', 'top', 'events', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'wait']);
const READ_SUBVERBS: Record<string, ReadonlySet<string>> = {
  auth: new Set(['can-i', 'whoami']),
  rollout: new Set(['status', 'history']),
};
// kubectl flags that take their value as the next word (so `-n production get` still finds the verb).
const FLAGS_WITH_VALUE = new Set([
  '-n', '--namespace', '--context', '--cluster', '--user', '-l', '--selector', '-c', '--container', '-o', '--output',
  '--as', '--as-group', '--as-uid', '--field-selector', '--sort-by', '--tail', '--since', '--since-time', '--request-timeout',
  '--template', '--raw', '-L', '--label-columns', '--chunk-size', '--timeout', '--for', '-v',
]);
// Flags that send the kubeconfig's credentials elsewhere, load foreign config (exec plugins),
// turn off TLS checks, or write local files — never part of a read to copy and run.
const FORBIDDEN_FLAGS = [
  '--server', '--kubeconfig', '--token', '--username', '--password', '--client-certificate', '--client-key',
  '--certificate-authority', '--insecure-skip-tls-verify', '--tls-server-name', '--log-file', '--log-dir',
  '--profile-output', '--cache-dir', '--output-directory',
];
/** Text filters a read may be piped into; the value rejects the options that would write a file. */
const FILTERS: Record<string, (args: string[]) => string | undefined> = {
  grep: () => undefined,
  egrep: () => undefined,
  fgrep: () => undefined,
  head: () => undefined,
  tail: () => undefined,
  wc: () => undefined,
  cut: () => undefined,
  tr: () => undefined,
  nl: () => undefined,
  column: () => undefined,
  jq: () => undefined,
  sort: (args) => (args.some((a) => /^--(output|compress-program)/.test(a) || /^-[^-]*o/.test(a)) ? 'sort -o writes a file' : undefined),
  uniq: (args) => (args.some((a, i) => !a.startsWith('-') && !/^\d+$/.test(a) && !/^-[fsw]$/.test(args[i - 1] ?? '')) ? 'uniq with a file argument reads or writes that file' : undefined),
};

type Token = { word: string } | { op: '|' | ';' };

/** Shell words and the two operators a safe command may use; any other shell feature is a reason to refuse. */
function tokenize(input: string): Token[] | string {
  const tokens: Token[] = [];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    const next = input[i + 1];
    if (ch === ' ' || ch === '\t') push();
    else if (ch === '\n' || ch === '\r' || ch === ';') {
      push();
      tokens.push({ op: ';' });
    }    else if (ch === '|') {
      push();
      if (next === '&') return 'a pipe of stderr (|&)';
      if (next === '|') i++;
      tokens.push({ op: next === '|' ? ';' : '|' });
    } else if (ch === '&') {
      if (next !== '&') return 'a background job (&)';
      push();
      tokens.push({ op: ';' });
      i++;
    } else if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return 'an unterminated quote';
      word = (word ?? '') + input.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      for (; j < input.length && input[j] !== '"'; j++) {
        if (input[j] === '$' || input[j] === '`') return 'an expansion inside double quotes ($ or `)';
        if (input[j] === '\\' && j + 1 < input.length) j++;
        text += input[j];
      }
      if (j >= input.length) return 'an unterminated quote';
      word = (word ?? '') + text;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 < input.length) word = (word ?? '') + input[++i];
    } else if (ch === '$') return 'a variable or command substitution ($)';
    else if (ch === '`') return 'a command substitution (`)';
    else if (ch === '>' || ch === '<') return 'a redirect (> or <)';
    else if (ch === '(' || ch === ')') return 'a subshell';
    else if (ch === '#' && word === undefined) return 'a comment';
    else if (ch === '!') return 'history expansion (!)';
    else if (ch === '*' || ch === '?' || ch === '[' || ch === ']') return `an unquoted glob (${ch})`;
    else if (ch === '{' && /^\{[^}\s]*(,|\.\.)[^}\s]*\}/.test(input.slice(i))) return 'a brace expansion';
    else word = (word ?? '') + ch;
  }
  push();
  return tokens;
}

/** The words of each `;`/`&&`/`||` segment, each segment split at its pipes. */
function segments(tokens: Token[]): string[][][] | string {
  const out: string[][][] = [];
  let pipeline: string[][] = [];
  let words: string[] = [];
  for (const t of [...tokens, { op: ';' } as Token]) {
    if ('word' in t) {
      words.push(t.word);
      continue;
    }
    if (words.length === 0) {
      if (t.op === '|' || pipeline.length > 0) return 'an empty command in a pipe';
      continue;
    }
    pipeline.push(words);
    words = [];
    if (t.op === ';') {
      out.push(pipeline);
      pipeline = [];
    }
  }
  return out.length > 0 ? out : 'no command';
}

const flagName = (word: string): string => word.split('=')[0]!;

/** kubectl's words with flags and their values removed: [verb, sub-verb, args…], up to `--`. */
function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (FLAGS_WITH_VALUE.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function outputFormat(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--output') return args[i + 1] ?? '';
    if (a.startsWith('--output=') || a.startsWith('-o=')) return a.slice(a.indexOf('=') + 1);
    if (/^-o./.test(a)) return a.slice(2);
    if (a === '--template' || a.startsWith('--template=')) return 'go-template';
  }
  return undefined;
}

const isSecretResource = (r: string): boolean => r.split(',').some((part) => /^secrets?(\/|$)/i.test(part) || /^secrets?\.v1$/i.test(part.split('/')[0]!));

function kubectlVerdict(args: string[]): CommandVerdict {
  const beforeDashes = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length);
  for (const a of beforeDashes) {
    const name = flagName(a);
    if (FORBIDDEN_FLAGS.includes(name)) return { kind: 'unsafe', reason: `kubectl ${name} sends credentials elsewhere, loads foreign config or writes a local file` };
    if (/^-[^-]/.test(a) && name.slice(1).includes('s')) return { kind: 'unsafe', reason: 'kubectl -s (--server) sends credentials elsewhere' };
  }
  const [verb, sub, ...rest] = positionals(args);
  if (!verb) return { kind: 'read', reason: '' };
  if (verb === 'get') {
    const format = outputFormat(beforeDashes);
    const resources = [sub, ...rest].filter((r): r is string => r !== undefined);
    if (resources.some(isSecretResource) && format !== undefined && format !== 'wide' && format !== 'name') return { kind: 'unsafe', reason: 'prints secret values' };
    const raw = beforeDashes.find((a, i) => a.startsWith('--raw=') || beforeDashes[i - 1] === '--raw');
    if (raw !== undefined && /\/secrets(\/|$|\?)/.test(raw)) return { kind: 'unsafe', reason: 'prints secret values' };
  }
  if (READ_VERBS.has(verb)) return { kind: 'read', reason: '' };
  if (READ_SUBVERBS[verb]?.has(sub ?? '')) return { kind: 'read', reason: '' };
  return { kind: 'write', reason: `kubectl ${[verb, ...(READ_SUBVERBS[verb] && sub ? [sub] : [])].join(' ')} changes the cluster or is not a known read` };
}

function pipelineVerdict(pipeline: string[][]): CommandVerdict {
  const [first, ...filters] = pipeline;
  if (first![0] !== 'kubectl') return { kind: 'unsafe', reason: `${first![0]} is not kubectl` };
  for (const [program, ...args] of filters) {
    const check = FILTERS[program!];
    if (!check) return { kind: 'unsafe', reason: `a pipe into ${program}, which is not a text filter` };
    const problem = check(args);
    if (problem) return { kind: 'unsafe', reason: problem };
  }
  return kubectlVerdict(first!.slice(1));
}

/** A remediation line without its decorations: `(write)`/`(read)` tags, a `$ ` prompt, backticks. */
export function bareCommand(line: string): string {
  return line.replace(/^\s*\((?:write|read)\)\s*/i, '').replace(/^\s*\$\s+/, '').replace(/^[`\s]+|[`\s]+$/g, '');
}

export function commandVerdict(command: string): CommandVerdict {
  const tokens = tokenize(bareCommand(command));
  if (typeof tokens === 'string') return { kind: 'unsafe', reason: `uses ${tokens}` };
  const parts = segments(tokens);
  if (typeof parts === 'string') return { kind: 'unsafe', reason: parts };
  const verdicts = parts.map(pipelineVerdict);
  return verdicts.find((v) => v.kind === 'unsafe') ?? verdicts.find((v) => v.kind === 'write') ?? { kind: 'read', reason: '' };
}

export const classifyCommand = (command: string): CommandKind => commandVerdict(command).kind;

// Programs whose name at the start of a `…` span makes it a command rather than a name or a value.
const PROGRAMS = new Set([
  'kubectl', 'rm', 'curl', 'wget', 'sh', 'bash', 'zsh', 'dash', 'python', 'python3', 'perl', 'ruby', 'node', 'nc', 'ncat', 'dd', 'mkfs',
  'chmod', 'chown', 'sudo', 'su', 'ssh', 'scp', 'base64', 'eval', 'exec', 'xargs', 'tee', 'docker', 'podman', 'helm', 'aws', 'gcloud', 'az',
  'systemctl', 'kill', 'pkill', 'killall', 'git', 'npm', 'npx', 'pip', 'apt', 'apt-get', 'yum', 'dnf', 'mv', 'cp', 'cat', 'echo', 'printf',
  'sed', 'awk', 'find', 'openssl', 'psql', 'mysql', 'redis-cli', 'crontab', 'iptables', 'shutdown', 'reboot', 'env',
]);

function looksLikeCommand(span: string): boolean {
  const first = span.trim().split(/\s+/)[0] ?? '';
  if (PROGRAMS.has(first) || PROGRAMS.has(first.split('/').pop() ?? '')) return true;
  return /[|;&<>]|\$\(/.test(span) && /\s/.test(span.trim());
}

/** A line that is not itself a command (it does not start with a program or hold shell operators). */
export const isProse = (line: string): boolean => !looksLikeCommand(bareCommand(line));

/**
 * The commands inside a line of prose: every `…` span that reads as a command, else the line
 * itself when it is a command (`(write) kubectl …`, `kubectl …`, or `…: kubectl …`).
 */
export function commandsIn(line: string): string[] {
  const spans = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.trim()).filter(looksLikeCommand);
  if (spans.length > 0) return spans;
  const bare = bareCommand(line);
  const m = /(?:^|:\s+)(kubectl\s.*)$/.exec(bare);
  return m ? [m[1]!.trim()] : [];
}
