import { isEventRow, isMessageContinuation } from './event-rows.js';
import { isPodRow } from './get-table.js';

/**
 * Splits one text — a file, stdin, a paste from a chat — into the parts a person put there: a
 * `kubectl describe` document, a fragment of one (the Events section, a container's state), a
 * `kubectl get` table (with or without its header), event rows, YAML or JSON (whole objects or
 * only `status:`), kubectl error lines, shell prompts naming the command that printed what
 * follows, and whatever else is left: log lines. Each part is recognised on its own, so one
 * unreadable part never hides the others.
 */
export type PartForm =
  | 'describe'
  | 'describe-fragment'
  | 'events-section'
  | 'event-rows'
  | 'table'
  | 'pod-rows'
  | 'yaml'
  | 'json'
  | 'kubectl-error'
  | 'logs';

export interface Part {
  form: PartForm;
  lines: string[];
  /** 1-based line number of the part's first line in its input. */
  start: number;
  /** The command that printed this part, when a prompt line before it says so. */
  command?: string;
}

const PROMPT = /^\s*(?:\[[^\]]*\]\s*)?(?:[\w.@~:/()-]*[$#%>❯]\s+|PS [^>]*>\s*)(.+)$/;
const KUBE_COMMAND = /^(?:sudo\s+)?(?:kubectl|oc|k|kc|zkubectl|microk8s(?:\.kubectl| kubectl)|k3s kubectl|minikube kubectl --)\s+[a-z]/;
const YAML_TOP = /^(?:---\s*$|apiVersion:|kind:|metadata:|spec:|status:|items:)/;
const YAML_LINE = /^\s*(?:- )?[a-zA-Z_][\w.\/-]*:(?:\s|$)|^\s*-\s|^\s*#/;
const CAMEL_KEY = /^\s*(?:- )?[a-z]+[A-Z]\w*:|^\s*(?:- )?(?:apiVersion|kind|metadata|spec|status|phase|message|reason|conditions|containers|image|name|type|lastTransitionTime|startTime|hostIP|podIP|qosClass|exitCode|restartCount|state|lastState|ready|started|terminated|waiting|running|nodeSelector|affinity|tolerations|resources|limits|requests):(?:\s|$)/;
const DESCRIBE_KEY = /^\s*(?:Name|Namespace|QoS Tier|Priority|Node|Start Time|Labels|Annotations|Status|Reason|Message|IP|IPs|Controlled By|Containers|Init Containers|Container ID|Image|Image ID|Port|Ports|Host Port|Command|Args|State|Last State|Started|Finished|Exit Code|Ready|Restart Count|Limits|Requests|Liveness|Readiness|Startup|Environment|Environment Variables from|Mounts|Conditions|Volumes|QoS Class|Node-Selectors|Tolerations|Events|Type|ClaimName|SecretName|ConfigMapName|Optional|Signal|Replicas|Selector|Pods Status|Pod Template|StrategyType|Service Account|Capacity|Allocatable|Taints|Unschedulable|Allocated resources|System Info|StorageClass|Access Modes|Finalizers|Used By|Reference|Metrics|Min replicas|Max replicas|Deployment pods|Rules|Default backend|Backends|Endpoints|TargetPort|NodePort|Session Affinity|Schedule|Backoff Limit|Completions|Parallelism)\s*:/;
const TABLE_HEADER = /^\s*[A-Z][A-Z0-9()_-]*(?: [A-Z][A-Z0-9()_-]*)?(?:(?:\s{2,}|\t+)[A-Z][A-Z0-9()_-]*(?: [A-Z][A-Z0-9()_-]*)?){2,}\s*$/;
// kubectl's own errors; before 1.3 the API server's answer came bare (`Pod "x" does not exist`). kubectl writes
// its `error: …` at the start of the line (cmdutil.CheckErr); an indented one is a program's own, in its log
// (Node's commander prints `  error: unknown option …` two spaces in).
const KUBECTL_ERROR = /^(?:\s*(?:Error from server(?: \([A-Za-z]+\))?:|The \w+ "[^"]+" is invalid|unable to recognize|No resources found|[A-Z][a-z]+ "[^"]+" (?:does not exist|not found)\s*$)|error: )/;
const EVENTS_HEADING = /^\s*Events:\s*(?:<none>)?\s*$/;

/** The command a prompt line runs, or undefined when the line is not a prompt. */
export function promptCommand(line: string): string | undefined {
  const m = PROMPT.exec(line);
  const cmd = m?.[1]?.trim();
  if (cmd && KUBE_COMMAND.test(cmd)) return cmd;
  const bare = line.trim();
  return KUBE_COMMAND.test(bare) && !/\s{2,}/.test(bare) ? bare : undefined;
}

const blank = (l: string) => l.trim() === '';
const indentOf = (l: string) => l.length - l.trimStart().length;

const OBJECT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'items', 'phase', 'conditions', 'containerStatuses'];

/**
 * One JSON object on one line with a logger's keys (zap, logrus, pino, bunyan, slog: `level`,
 * `msg`, `ts`) or an error body's (`{"code":503,"message":"Database is not ready!"}`, Spring's
 * `{"status":500,"error":…}`) and none of an object's: one line of what the program said, read
 * like a log line. A `status` that is an object is an object's status (a pasted fragment).
 */
function isLogRecord(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.some((k) => OBJECT_KEYS.includes(k))) return false;
  const status = (value as { status?: unknown }).status;
  if (status !== null && typeof status === 'object') return false;
  const has = (...names: string[]) => names.some((n) => keys.includes(n));
  return has('level', 'lvl', 'severity', 'msg', 'message', 'error', 'err');
}

/** A balanced JSON value starting at line i; its length in lines, or 0 (a structured log record is a log line). */
function jsonLength(lines: readonly string[], i: number): number {
  if (!/^\s*[{[]/.test(lines[i]!)) return 0;
  let depth = 0;
  let inString = false;
  for (let j = i; j < lines.length; j += 1) {
    const line = lines[j]!;
    for (let k = 0; k < line.length; k += 1) {
      const ch = line[k];
      if (inString) {
        if (ch === '\\') k += 1;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth += 1;
      else if (ch === '}' || ch === ']') {
        depth -= 1;
        if (depth === 0) {
          const text = lines.slice(i, j + 1).join('\n');
          try {
            const value: unknown = JSON.parse(text.slice(text.search(/[{[]/)));
            return j === i && isLogRecord(value) ? 0 : j - i + 1;
          } catch {
            return 0;
          }
        }
      }
    }
    if (depth === 0) return 0;
  }
  return 0;
}

/**
 * Lines at the margin that describe prints without a colon: a namespace's `Resource Quotas` and
 * `Resource Limits` sections (or `No resource quota.`, `No LimitRange resource.`), a ConfigMap's
 * `Data`/`BinaryData` headings over their `====` rule.
 */
const DESCRIBE_HEADING = /^(?:Resource Quotas|Resource Limits|No resource quota\.|No LimitRange resource\.|Data|BinaryData|====+)\s*$/;

/** Where the person cut the output: `...`, more dots, or `…`. */
const CUT = /^\s*(?:\.{3,}|…)\s*$/;

/** Lines of a `kubectl describe` document from a `Name:` line: key lines, indented lines, its tables. */
function describeLength(lines: readonly string[], i: number): number {
  if (!/^Name:\s+\S/.test(lines[i]!) && !/^Name:\t/.test(lines[i]!)) return 0;
  let j = i + 1;
  let inEvents = false;
  // A ConfigMap's values are printed as they are, at the margin, until its Events.
  let inData = false;
  let inQuota = false;
  for (; j < lines.length; j += 1) {
    const line = lines[j]!;
    if (inData) {
      // The next ConfigMap of `kubectl describe cm` starts with Name and Namespace.
      if (/^Name:\s/.test(line) && /^Namespace:\s/.test(lines[j + 1] ?? '')) break;
      if (!EVENTS_HEADING.test(line)) continue;
      inData = false;
    }
    if (blank(line)) {
      // A blank line ends the document unless describe output goes on after it.
      const next = lines.slice(j + 1).find((l) => !blank(l));
      if (next === undefined || !(/^[A-Z][\w ()/-]*:/.test(next) || /^\s/.test(next) || DESCRIBE_HEADING.test(next)) || /^Name:\s/.test(next) || promptCommand(next) || TABLE_HEADER.test(next)) break;
      continue;
    }
    if (/^Name:\s/.test(line) || promptCommand(line) || YAML_TOP.test(line) || /^[{[]/.test(line) || KUBECTL_ERROR.test(line)) break;
    if (line.trim() === 'Data' && /^====/.test(lines[j + 1] ?? '')) inData = true;
    // `kubectl describe quota` prints its Resource/Used/Hard table at the margin.
    if (/^Resource\s+Used\s+Hard\s*$/.test(line)) inQuota = true;
    // A cut (`...`) inside the document is where the person left lines out: the document goes on.
    if (indentOf(line) === 0 && !inQuota && !CUT.test(line) && !/^[A-Z][\w ()/.-]*:/.test(line) && !/^No (volumes|events)\./.test(line) && !DESCRIBE_HEADING.test(line) && !/^[A-Z][\w ()/-]*\t/.test(line) && !(inEvents && isMessageContinuation(line))) break;
    if (EVENTS_HEADING.test(line)) inEvents = true;
  }
  return j - i;
}

/** An `Events:` heading, its header row and rule, and the rows under it. */
function eventsSectionLength(lines: readonly string[], i: number): number {
  if (!EVENTS_HEADING.test(lines[i]!)) return 0;
  let j = i + 1;
  let open = false;
  for (; j < lines.length && !blank(lines[j]!); j += 1) {
    const line = lines[j]!;
    if (open && isMessageContinuation(line)) continue;
    if (!(TABLE_HEADER.test(line) || /^\s*-+(\s+-+)*\s*$/.test(line) || isEventRow(line) || indentOf(line) > indentOf(lines[i]!))) break;
    open = isEventRow(line);
  }
  return j - i;
}

/** A table: a header of upper-case column names, then rows (a `----` rule allowed), until a blank line. */
function tableLength(lines: readonly string[], i: number): number {
  if (!TABLE_HEADER.test(lines[i]!) || DESCRIBE_KEY.test(lines[i]!)) return 0;
  let j = i + 1;
  while (j < lines.length && !blank(lines[j]!) && !promptCommand(lines[j]!) && !KUBECTL_ERROR.test(lines[j]!) && !TABLE_HEADER.test(lines[j]!)) j += 1;
  return j - i;
}

/** YAML: from a top-level object key, or an indented block of camelCase keys (a pasted `status:`). */
function yamlLength(lines: readonly string[], i: number): number {
  const first = lines[i]!;
  if (!YAML_TOP.test(first) && !(CAMEL_KEY.test(first) && YAML_LINE.test(first))) return 0;
  const base = indentOf(first);
  let j = i + 1;
  let camel = CAMEL_KEY.test(first) ? 1 : 0;
  for (; j < lines.length; j += 1) {
    const line = lines[j]!;
    if (blank(line)) {
      const next = lines.slice(j + 1).find((l) => !blank(l));
      if (next === undefined || indentOf(next) < base || !YAML_LINE.test(next)) break;
      continue;
    }
    if (line.trim() === '---') continue;
    if (promptCommand(line) || KUBECTL_ERROR.test(line)) break;
    const ind = indentOf(line);
    if (ind < base) break;
    if (ind === base && !YAML_LINE.test(line)) break;
    if (CAMEL_KEY.test(line)) camel += 1;
  }
  // A lone `Status: Running`-style key is describe text, not YAML; `nodeSelector:` over its map is YAML.
  const opensBlock = /:\s*$/.test(first) && j > i + 1 && indentOf(lines[i + 1]!) > base;
  return YAML_TOP.test(first) || camel >= 2 || (camel === 1 && opensBlock) ? j - i : 0;
}

/** Indented describe lines without their `Name:` document: at least two known describe keys. */
function describeFragmentLength(lines: readonly string[], i: number): number {
  const isDescribeish = (l: string) => DESCRIBE_KEY.test(l) || (/^\s+\S/.test(l) && !isEventRow(l) && !CAMEL_KEY.test(l)) || CUT.test(l);
  if (!DESCRIBE_KEY.test(lines[i]!) && !CUT.test(lines[i]!)) return 0;
  let j = i;
  let keys = 0;
  for (; j < lines.length; j += 1) {
    const line = lines[j]!;
    if (blank(line) || EVENTS_HEADING.test(line) || promptCommand(line) || KUBECTL_ERROR.test(line)) break;
    if (!isDescribeish(line)) break;
    if (DESCRIBE_KEY.test(line)) keys += 1;
  }
  return keys >= 2 ? j - i : 0;
}

function eventRowsLength(lines: readonly string[], i: number): number {
  if (!isEventRow(lines[i]!)) return 0;
  let j = i + 1;
  while (j < lines.length && (isEventRow(lines[j]!) || isMessageContinuation(lines[j]!))) j += 1;
  return j - i;
}

function podRowsLength(lines: readonly string[], i: number): number {
  let j = i;
  while (j < lines.length && isPodRow(lines[j]!)) j += 1;
  return j - i;
}

const unclosedQuote = (text: string): boolean => (text.match(/"/g)?.length ?? 0) % 2 === 1;

/**
 * One kubectl error line, and the lines a terminal wrapped it onto: while a quoted string (a URL, a
 * name) is still open, the next line is the rest of it (`Post "https://ingress-contro` / `ller-admission…": EOF`).
 */
function kubectlErrorLength(lines: readonly string[], i: number): number {
  if (!KUBECTL_ERROR.test(lines[i]!)) return 0;
  let text = lines[i]!;
  let n = 1;
  while (n < 4 && unclosedQuote(text) && i + n < lines.length && !blank(lines[i + n]!) && !KUBECTL_ERROR.test(lines[i + n]!)) {
    text += lines[i + n]!;
    n += 1;
  }
  return unclosedQuote(text) ? 1 : n;
}

const RECOGNIZERS: [PartForm, (lines: readonly string[], i: number) => number][] = [
  ['json', jsonLength],
  ['describe', describeLength],
  ['events-section', eventsSectionLength],
  ['table', tableLength],
  ['yaml', yamlLength],
  ['describe-fragment', describeFragmentLength],
  ['event-rows', eventRowsLength],
  ['pod-rows', podRowsLength],
  ['kubectl-error', kubectlErrorLength],
];

export function segmentText(text: string): Part[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const parts: Part[] = [];
  let command: string | undefined;
  let logs: Part | undefined;
  const flushLogs = () => {
    if (logs && logs.lines.some((l) => !blank(l))) parts.push(logs);
    logs = undefined;
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const cmd = promptCommand(line);
    if (cmd) {
      flushLogs();
      command = cmd;
      i += 1;
      continue;
    }
    if (blank(line)) {
      logs?.lines.push(line);
      i += 1;
      continue;
    }
    const hit = RECOGNIZERS.map(([form, length]) => [form, length(lines, i)] as const).find(([, n]) => n > 0);
    if (hit) {
      flushLogs();
      const [form, n] = hit;
      parts.push({ form, lines: lines.slice(i, i + n), start: i + 1, ...(command ? { command } : {}) });
      i += n;
      continue;
    }
    logs ??= { form: 'logs', lines: [], start: i + 1, ...(command ? { command } : {}) };
    logs.lines.push(line);
    i += 1;
  }
  flushLogs();
  return parts;
}
