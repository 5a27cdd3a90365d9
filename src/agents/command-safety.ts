/**
 * Is a remediation command read-only? kubectl verbs are sorted into reads (get, describe,
 * logs, top, events, explain, auth can-i, rollout status/history, …) and writes (apply, delete,
 * scale, patch, edit, set, label, annotate, cordon, drain, create, replace, exec, rollout
 * restart/undo, …). A shell chain is a write when any part is; an unknown verb counts as a
 * write — the safe side when a person must approve writes.
 */
export type CommandKind = 'read' | 'write' | 'text';

const READ = new Set(['get', 'describe', 'logs', 'log', 'top', 'events', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'diff', 'wait']);
const READ_SUB: Record<string, Set<string>> = {
  auth: new Set(['can-i', 'whoami']),
  rollout: new Set(['status', 'history']),
  config: new Set(['view', 'get-contexts', 'current-context', 'get-clusters']),
};
// Flags that take a separate value, so `-n production get` still finds the verb.
const FLAGS_WITH_VALUE = new Set(['-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-l', '--selector', '-c', '--container', '-o', '--output', '-s', '--server', '--as', '--token']);

const strip = (s: string) => s.replace(/^\s*\((?:write|read)\)\s*/i, '').replace(/^[`$\s]+|[`\s]+$/g, '');

function verbOf(args: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (FLAGS_WITH_VALUE.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

/** One command (no pipes): the kind of its kubectl invocation, or `text` when it is not one. */
function classifyOne(part: string): CommandKind {
  const m = /(?:^|\s)kubectl\s+(.*)$/.exec(part.trim());
  if (!m) return 'text';
  const [verb, sub] = verbOf(m[1]!.split(/\s+/).filter(Boolean));
  if (!verb) return 'read';
  if (READ.has(verb)) return 'read';
  if (READ_SUB[verb]) return sub && READ_SUB[verb]!.has(sub) ? 'read' : 'write';
  return 'write';
}

export function classifyCommand(command: string): CommandKind {
  const parts = strip(command).split(/\s*(?:&&|\|\||;|\|)\s*/);
  const kinds = parts.map(classifyOne);
  if (kinds.includes('write')) return 'write';
  return kinds.includes('read') ? 'read' : 'text';
}

/** The kubectl command inside a remediation line ("(write) kubectl -n x scale …", "Run `kubectl …`"). */
export function commandText(line: string): string {
  const fenced = /`([^`]*kubectl[^`]*)`/.exec(line);
  if (fenced) return fenced[1]!.trim();
  const i = line.indexOf('kubectl');
  return i >= 0 ? line.slice(i).trim() : line.trim();
}
