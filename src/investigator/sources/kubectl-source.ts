import { SyntraError, errorMessage } from '../../domain/errors.js';
import type { FileSourceOptions } from './dump-source.js';
import { addDocument } from '../cluster/objects.js';
import { localSnapshotSource } from './local-source.js';
import { mergeSnapshots } from './merge.js';
import type { ClusterSnapshot, EvidenceSource } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';
import type { LogTarget } from './kubectl-text/container-logs.js';
import { containerLogsFromText, resolveLogTarget } from './kubectl-text/container-logs.js';
import { parseDescribe } from './kubectl-text/describe.js';
import type { TextFormat } from './kubectl-text/detect.js';
import { detectTextFormat } from './kubectl-text/detect.js';
import { parseEventsTable } from './kubectl-text/events-table.js';
import { parseJsonDocuments, parseYamlDocuments, splitClusterInfoDump } from './kubectl-text/object-documents.js';

/**
 * Plain kubectl output as an evidence source: `describe` text, `get -o json|yaml`, the
 * `get events` table, cluster-info dump on stdout, and container logs, from files or stdin,
 * each recognized by content and merged into one snapshot.
 */
export interface TextInput {
  /** A file path, or `-` for stdin; used in messages and to guess log targets. */
  name: string;
  text: string;
}

export interface LogInput extends TextInput {
  /** Which pod/container the logs belong to; guessed from the name and the other inputs when absent. */
  target?: LogTarget;
}

export interface KubectlSourceOptions extends FileSourceOptions {
  logs?: LogInput[];
  /** Describe ages and event-table ages are relative to this instant (default: when parsed). */
  now?: Date;
  /** Namespace for objects that do not print one (`kubectl get events` without -A). */
  defaultNamespace?: string;
}

export interface ParsedText {
  format: TextFormat;
  snapshot: ClusterSnapshot;
}

/** Parses one input. Logs found here (a text that is none of the other formats) have no target yet. */
export function parseKubectlText(input: TextInput, options: { now?: Date; defaultNamespace?: string } = {}): ParsedText {
  const now = options.now ?? new Date();
  const snapshot = emptySnapshot({ kind: 'kubectl', description: input.name === '-' ? 'stdin' : input.name, collectedAt: now.toISOString() });
  const format = detectTextFormat(input.text);
  const addAll = (docs: unknown[]) => docs.forEach((d) => addDocument(snapshot, d));
  switch (format) {
    case 'json':
      addAll(parseJsonDocuments(input.text, input.name));
      break;
    case 'yaml':
      addAll(parseYamlDocuments(input.text, input.name));
      break;
    case 'describe': {
      const parsed = parseDescribe(input.text, now);
      if (parsed.objects.length === 0) throw new SyntraError('evidence_unreadable', `${input.name}: describe output of an unsupported kind (${parsed.unrecognized[0] ?? ''})`);
      addAll(parsed.objects);
      break;
    }
    case 'events-table':
      addAll(parseEventsTable(input.text, options.defaultNamespace, now));
      break;
    case 'cluster-info-dump': {
      const { json, logs } = splitClusterInfoDump(input.text);
      addAll(parseJsonDocuments(json, input.name));
      snapshot.logs.push(...dumpStdoutLogs(logs));
      break;
    }
    case 'logs':
    case 'empty':
      break;
  }
  for (const ns of [...snapshot.pods, ...snapshot.events].map((o) => o.metadata?.namespace)) {
    if (ns && !snapshot.namespaces.includes(ns)) snapshot.namespaces.push(ns);
  }
  return { format, snapshot };
}

/** cluster-info dump stdout logs name their pod in each marker. */
function dumpStdoutLogs(text: string): ClusterSnapshot['logs'] {
  const out: ClusterSnapshot['logs'] = [];
  const re = /^==== START logs for container (\S+) of pod (\S+)\/(\S+) ====$/gm;
  const starts = [...text.matchAll(re)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index : text.length;
    const section = text.slice(m.index, end);
    out.push(...containerLogsFromText(section, { namespace: m[2]!, pod: m[3]!, container: m[1]!, previous: false }));
  });
  return out;
}

/** Every input parsed and merged; log inputs (and inputs that are logs) assigned to pods. */
export function buildKubectlSnapshot(inputs: TextInput[], options: KubectlSourceOptions = {}): ClusterSnapshot {
  const parsed = inputs.map((input) => ({ input, ...parseKubectlText(input, options) }));
  const objects = mergeSnapshots(
    parsed.map((p) => p.snapshot),
    { kind: 'kubectl', description: `kubectl output (${inputs.map((i) => (i.name === '-' ? 'stdin' : i.name)).join(', ')})`, collectedAt: (options.now ?? new Date()).toISOString() },
  );
  const logInputs: LogInput[] = [...parsed.filter((p) => p.format === 'logs').map((p) => ({ name: p.input.name, text: p.input.text })), ...(options.logs ?? [])];
  for (const log of logInputs) {
    const target = resolveLogTarget(objects, log.target ?? {}, log.name);
    objects.logs.push(...containerLogsFromText(log.text, target));
  }
  return objects;
}

export function createKubectlSource(inputs: TextInput[], options: KubectlSourceOptions = {}): EvidenceSource {
  const description = `kubectl output (${inputs.map((i) => (i.name === '-' ? 'stdin' : i.name)).join(', ')})`;
  let cached: ClusterSnapshot | undefined;
  const load = (): ClusterSnapshot => {
    try {
      cached ??= buildKubectlSnapshot(inputs, options);
      return cached;
    } catch (e) {
      if (e instanceof SyntraError) throw e;
      throw new SyntraError('evidence_unreadable', `cannot read kubectl output: ${errorMessage(e)}`, { cause: e });
    }
  };
  return localSnapshotSource({ kind: 'kubectl', description, load, redact: options.redact });
}
