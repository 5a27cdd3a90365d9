import { parse as parseYaml } from 'yaml';
import { kindOf } from '../../cluster/kinds.js';
import { addDocument, addObject } from '../../cluster/objects.js';
import { UNNAMED, emptySnapshot, type ClusterSnapshot, type InputAccount } from '../../cluster/snapshot.js';
import { namedPodIn } from '../../messages/catalogue.js';
import { parseCommand, type CommandHint } from './command-hint.js';
import { describeEvents } from './describe-events.js';
import { parseDescribe } from './describe.js';
import { parseTable } from './describe-tree.js';
import { eventFromRow, joinContinuations, parseEventRow, type EventRow } from './event-rows.js';
import { parseEventsTable } from './events-table.js';
import { parseGetTable, parsePodRows } from './get-table.js';
import { parseJsonDocuments, splitClusterInfoDump } from './object-documents.js';
import { segmentText, type Part } from './segment.js';

/**
 * One input (a file, stdin) → the objects, events, logs and notes it holds, and an account of
 * what each part was recognised as. Nothing here throws for input it does not understand: a part
 * that cannot be read is listed as skipped with the reason, and the rest still counts.
 *
 * Objects a fragment describes without naming (an Events section, a container's `Last State`, a
 * pasted `status:`) get the name the command before them gives, else UNNAMED; diagnose() binds
 * UNNAMED objects to the target a person asks about.
 */
type Raw = Record<string, unknown>;

export interface TextInput {
  /** A file path, or `-` for stdin; used in messages and to guess log targets. */
  name: string;
  text: string;
}

export interface ReadOptions {
  /** Describe ages and event-table ages are relative to this instant (default: when parsed). */
  now?: Date;
  /** Namespace for objects that do not print one (`kubectl get events` without -A). */
  defaultNamespace?: string;
}

export interface ReadText {
  snapshot: ClusterSnapshot;
  account: InputAccount;
  /** Log text found in the input, with what its command says about whose logs they are. */
  logs: { text: string; hint?: CommandHint }[];
}

const FORM_LABEL: Record<Part['form'], string> = {
  describe: 'kubectl describe',
  'describe-fragment': 'kubectl describe (fragment)',
  'events-section': 'events (describe Events section)',
  'event-rows': 'event rows',
  table: 'kubectl get table',
  'pod-rows': 'kubectl get pods rows',
  yaml: 'YAML',
  json: 'JSON',
  'kubectl-error': 'kubectl error',
  logs: 'log lines',
};

function about(hint: CommandHint | undefined, defaultNamespace: string | undefined): EventRow['object'] {
  const namespace = hint?.namespace ?? defaultNamespace;
  return { kind: hint?.kind ?? 'Pod', name: hint?.name ?? UNNAMED, ...(namespace ? { namespace } : {}) };
}

/**
 * A fragment cut inside one container's block (`Containers:` and the container's name above the cut): its
 * first lines are container fields, indented under the pod-level sections that follow them (`\tState:
 * Terminated`, `\t  Exit Code: 0`, then `Conditions:` at the margin). Those lines are that container's.
 */
function containerTail(body: readonly string[]): { fields: string[]; rest: string[] } | undefined {
  const section = body.findIndex((l) => /^(?:Conditions|Volumes|QoS Class|Node-Selectors|Tolerations|Events):/.test(l));
  if (section <= 0) return undefined;
  const fields = body.slice(0, section);
  if (!fields.every((l) => l.trim() === '' || /^\s/.test(l))) return undefined;
  if (!fields.some((l) => /^\s+(?:State|Last State|Last Termination State|Restart Count|Exit Code):/.test(l))) return undefined;
  const indent = Math.min(...fields.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return { fields: fields.map((l) => `    ${l.slice(indent)}`), rest: body.slice(section) };
}

/** Indented describe lines without their document → a describe document of the hinted object. */
function wrapFragment(lines: string[], hint: CommandHint | undefined): string {
  const keyIndent = Math.min(...lines.filter((l) => /^\s*[A-Z][\w -]*:/.test(l)).map((l) => l.length - l.trimStart().length));
  const dedent = (l: string) => l.slice(Math.min(keyIndent, l.length - l.trimStart().length));
  const body = lines.filter((l) => !/^\s*\.{3,}\s*$/.test(l)).map(dedent);
  const head = [`Name:         ${hint?.name ?? UNNAMED}`, ...(hint?.namespace ? [`Namespace:    ${hint.namespace}`] : [])];
  const hasSections = body.some((l) => /^(Containers|Init Containers|Conditions|Volumes|Status|Node|Labels|Controlled By):/.test(l));
  const containerKeys = body.some((l) => /^(State|Last State|Last Termination State|Restart Count|Image|Container ID|Limits|Requests|Exit Code|Ready):/.test(l));
  const tail = containerTail(body);
  if (tail) return [...head, 'Containers:', `  ${hint?.container ?? '(container)'}:`, ...tail.fields, ...tail.rest].join('\n');
  if (!hasSections && containerKeys) return [...head, 'Containers:', `  ${hint?.container ?? '(container)'}:`, ...body.map((l) => `    ${l}`)].join('\n');
  return [...head, ...body].join('\n');
}

/** One entry of a pod's `status.containerStatuses`: a named container with a state and its status fields. */
function isContainerStatus(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Raw;
  return typeof v.name === 'string' && ('state' in v || 'lastState' in v) && ['restartCount', 'ready', 'image', 'containerID', 'started'].some((k) => k in v);
}

/** A pasted YAML mapping without `kind`: its `status:`/`spec:` belong to the hinted object. */
function wrapYamlFragment(value: unknown, hint: CommandHint | undefined): Raw | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const kind = hint?.kind ?? 'Pod';
  // Entries of `status.containerStatuses` cut out of `-o yaml` (`name:` beside `state:`/`lastState:`), one or a list:
  // each names its container, so its state is that container's.
  const statuses = (Array.isArray(value) ? value : [value]) as unknown[];
  if (kind === 'Pod' && statuses.length > 0 && statuses.every(isContainerStatus)) {
    const metadata = { name: hint?.name ?? UNNAMED, ...(hint?.namespace ? { namespace: hint.namespace } : {}) };
    return { kind, apiVersion: 'v1', metadata, status: { containerStatuses: statuses.map((s) => ({ ready: false, restartCount: 0, image: '', imageID: '', state: {}, ...(s as Raw) })) } };
  }
  if (Array.isArray(value)) return undefined;
  const v = value as Raw;
  const metadata = { name: hint?.name ?? UNNAMED, ...(hint?.namespace ? { namespace: hint.namespace } : {}), ...((v.metadata as Raw | undefined) ?? {}) };
  if ('status' in v || 'spec' in v) return { kind, apiVersion: kindOf(kind)?.apiVersion ?? 'v1', ...v, metadata };
  // One container's state as `-o jsonpath` / jq print it: `{.state}` ({waiting|running|terminated: …})
  // or a termination itself (`{.lastState.terminated}`: exitCode, reason, finishedAt).
  if (kind === 'Pod') {
    const container = hint?.container ?? '(container)';
    const isState = Object.keys(v).length > 0 && Object.keys(v).every((k) => k === 'waiting' || k === 'running' || k === 'terminated');
    if (isState) return { kind, apiVersion: 'v1', metadata, status: { containerStatuses: [{ name: container, ready: false, restartCount: 0, image: '', imageID: '', state: v }] } };
    // One item of status.containerStatuses pasted without its list dash: `lastState:`, `name: x`, `restartCount: 2`.
    if (typeof v.name === 'string' && ('state' in v || 'lastState' in v) && ('restartCount' in v || 'ready' in v || 'containerID' in v || 'imageID' in v)) {
      return { kind, apiVersion: 'v1', metadata, status: { containerStatuses: [{ ready: false, restartCount: 0, image: '', imageID: '', ...v }] } };
    }
    if ('exitCode' in v && ('reason' in v || 'finishedAt' in v || 'containerID' in v)) {
      return { kind, apiVersion: 'v1', metadata, status: { containerStatuses: [{ name: container, ready: false, restartCount: 0, image: '', imageID: '', lastState: { terminated: v } }] } };
    }
  }
  if (['phase', 'conditions', 'containerStatuses', 'reason', 'message'].some((k) => k in v)) return { kind, apiVersion: kindOf(kind)?.apiVersion ?? 'v1', metadata, status: v };
  if (['containers', 'nodeSelector', 'affinity', 'tolerations'].some((k) => k in v)) return { kind, apiVersion: kindOf(kind)?.apiVersion ?? 'v1', metadata, spec: v };
  return undefined;
}

/** Every string value in a parsed document (a YAML fragment no object takes): scanned as notes. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, out));
  return out;
}

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Math.min(indent, l.length))).join('\n');
}

export function readKubectlText(input: TextInput, options: ReadOptions = {}): ReadText {
  const now = options.now ?? new Date();
  const source = input.name === '-' ? 'stdin' : input.name;
  const snapshot = emptySnapshot({ kind: 'kubectl', description: source, collectedAt: now.toISOString() });
  const account: InputAccount = { source, recognized_as: [], objects: 0 };
  const logs: ReadText['logs'] = [];
  const skip = (part: Part, reason: string) => {
    (account.skipped ??= []).push({ lines: `${part.start}-${part.start + part.lines.length - 1}`, reason });
  };
  const add = (docs: unknown[]) => {
    for (const d of docs) {
      const r = addDocument(snapshot, d);
      account.objects += r.added;
      for (const k of r.skippedKinds) (account.skipped ??= []).push({ lines: '', reason: `kind ${k} is not part of the evidence model` });
    }
  };
  const note = (text: string, origin: 'kubectl-error' | 'text') => {
    if (text.trim() !== '') snapshot.notes.push({ input: source, text: text.trim(), origin });
  };

  // `kubectl cluster-info dump` to stdout: JSON documents, then log sections.
  if (/^==== START logs for container /m.test(input.text) && /^\s*\{/.test(input.text)) {
    const { json, logs: logText } = splitClusterInfoDump(input.text);
    add(parseJsonDocuments(json, input.name));
    logs.push({ text: logText });
    account.recognized_as.push('kubectl cluster-info dump');
    return { snapshot, account, logs };
  }

  for (const part of segmentText(input.text)) {
    const hint = parseCommand(part.command);
    const text = part.lines.join('\n');
    const before = account.objects;
    let jsonNoted = false;
    try {
      switch (part.form) {
        case 'json':
          for (const doc of parseJsonDocuments(text.slice(text.search(/[{[]/)), input.name)) {
            if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || typeof (doc as Raw).kind === 'string') {
              add([doc]);
              continue;
            }
            // A jq or jsonpath extract (`.status`, one container's `.state`): the hinted object's
            // status when it has that shape, else its sentences are notes like a YAML fragment's.
            const wrapped = wrapYamlFragment(doc, hint);
            if (wrapped && addObject(snapshot, wrapped)) account.objects += 1;
            else for (const s of stringsOf(doc)) note(s, 'text');
            jsonNoted = true;
          }
          break;
        case 'yaml': {
          const docs = text.split(/^---\s*$/m).map((d) => parseYaml(dedent(d.split('\n')), { maxAliasCount: 100 }) as unknown).filter((d) => d !== null && d !== undefined);
          for (const doc of docs) {
            const r = doc as Raw;
            if (typeof r.kind === 'string') add([doc]);
            else {
              const wrapped = wrapYamlFragment(doc, hint);
              if (wrapped && addObject(snapshot, wrapped)) account.objects += 1;
              else for (const s of stringsOf(doc)) note(s, 'text');
            }
          }
          break;
        }
        case 'describe':
        case 'describe-fragment': {
          const parsed = parseDescribe(part.form === 'describe' ? text : wrapFragment(part.lines, hint), now, hint?.kind);
          add(parsed.objects);
          for (const u of parsed.unrecognized) skip(part, `describe output of a kind Syntra does not read (${u.trim().slice(0, 80)})`);
          break;
        }
        case 'events-section': {
          const rows = part.lines.slice(1);
          const headed = rows.some((l) => /^\s*Type\s+Reason\s+Age\s+From\s+Message/.test(l));
          // An Events section pasted alone names its pod in the scheduler's "Successfully assigned ns/pod" row.
          const assigned = hint?.name ? undefined : rows.map((l) => namedPodIn(l)).find((r) => r !== undefined);
          const target = assigned ?? about(hint, options.defaultNamespace)!;
          const events = headed
            ? describeEvents(rows, { kind: target.kind, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) }, now)
            : joinContinuations(rows).map(parseEventRow).filter((r): r is EventRow => r !== undefined).map((r) => eventFromRow(r, target, now));
          add(events);
          break;
        }
        case 'event-rows':
          add(joinContinuations(part.lines).map(parseEventRow).filter((r): r is EventRow => r !== undefined).map((r) => eventFromRow(r, about(hint, options.defaultNamespace), now)));
          break;
        case 'table': {
          if (/REASON/.test(part.lines[0]!) && /(OBJECT|MESSAGE|NAME\s+KIND)/.test(part.lines[0]!)) {
            const events = parseEventsTable(text, hint?.namespace ?? options.defaultNamespace, now);
            add(events.length > 0 ? events : part.lines.map(parseEventRow).filter((r): r is EventRow => r !== undefined).map((r) => eventFromRow(r, about(hint, options.defaultNamespace), now)));
          } else {
            const { objects } = parseGetTable(part.lines, hint?.namespace ?? options.defaultNamespace, part.command);
            if (objects.length === 0 && parseTable(part.lines).length > 0) skip(part, `a kubectl get table of a kind Syntra does not read (${part.lines[0]!.trim().slice(0, 80)})`);
            add(objects);
          }
          break;
        }
        case 'pod-rows':
          add(parsePodRows(part.lines, hint?.namespace ?? options.defaultNamespace));
          break;
        case 'kubectl-error':
          // A wrapped error line is one error: the terminal cut it where the width ran out, mid-word.
          note(part.lines.join(''), 'kubectl-error');
          break;
        case 'logs':
          logs.push({ text, ...(hint ? { hint } : {}) });
          break;
      }
    } catch (e) {
      // Text shaped like YAML that is not YAML is most often a log line with `key: value` in it.
      if (part.form === 'yaml') {
        logs.push({ text, ...(hint ? { hint } : {}) });
        if (!account.recognized_as.includes(FORM_LABEL.logs)) account.recognized_as.push(FORM_LABEL.logs);
        continue;
      }
      skip(part, `not readable as ${FORM_LABEL[part.form]}: ${e instanceof Error ? e.message : String(e)}`);
      for (const l of part.lines) note(l, 'text');
      continue;
    }
    const label = FORM_LABEL[part.form];
    if (account.objects > before || part.form === 'logs' || part.form === 'kubectl-error' || part.form === 'yaml' || jsonNoted) {
      if (!account.recognized_as.includes(label)) account.recognized_as.push(label);
    } else if (!account.skipped?.some((s) => s.lines.startsWith(`${part.start}-`))) {
      // Recognised by its shape but nothing came out of it: keep its words as notes.
      for (const l of part.lines) note(l, 'text');
      if (!account.recognized_as.includes(label)) account.recognized_as.push(label);
    }
  }
  for (const ns of [...snapshot.pods, ...snapshot.events].map((o) => o.metadata?.namespace)) {
    if (ns && !snapshot.namespaces.includes(ns)) snapshot.namespaces.push(ns);
  }
  return { snapshot, account, logs };
}
