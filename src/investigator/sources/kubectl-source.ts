import { SyntraError, errorMessage } from '../../domain/errors.js';
import type { FileSourceOptions } from './dump-source.js';
import { localSnapshotSource } from './local-source.js';
import { mergeSnapshots } from './merge.js';
import type { ClusterSnapshot, EvidenceSource } from '../cluster/snapshot.js';
import type { LogTarget } from './kubectl-text/container-logs.js';
import { containerLogsFromText, resolveLogTarget } from './kubectl-text/container-logs.js';
import { readKubectlText, type ReadOptions, type TextInput } from './kubectl-text/read-text.js';

/**
 * Plain kubectl output as an evidence source: `describe` text (whole or in fragments), `get`
 * tables, `get -o json|yaml` (whole objects or only their status), event rows in any kubectl
 * layout, cluster-info dump on stdout, kubectl error lines and container logs — from files or
 * stdin, mixed in one text or not, each part recognised by its content and merged into one
 * snapshot. What a part could not be read as is in `source.inputs[].skipped`, never an abort.
 */
export type { TextInput } from './kubectl-text/read-text.js';

export interface LogInput extends TextInput {
  /** Which pod/container the logs belong to; guessed from the name and the other inputs when absent. */
  target?: LogTarget;
}

export interface KubectlSourceOptions extends FileSourceOptions, ReadOptions {
  logs?: LogInput[];
}

/**
 * Two log texts for the same container (two files, or output pasted in two blocks) are one stream,
 * in the order given: neither hides the other. The same text given twice counts once.
 */
function addStreams(into: ClusterSnapshot['logs'], streams: ClusterSnapshot['logs']): void {
  for (const s of streams) {
    const same = into.find((l) => l.namespace === s.namespace && l.pod === s.pod && l.container === s.container && l.previous === s.previous);
    if (!same) into.push(s);
    else if (same.lines.join('\n') !== s.lines.join('\n')) same.lines = [...same.lines, ...s.lines];
  }
}

/** Every input parsed and merged; log text (given as logs, or found inside an input) assigned to pods. */
export function buildKubectlSnapshot(inputs: TextInput[], options: KubectlSourceOptions = {}): ClusterSnapshot {
  const read = inputs.map((input) => ({ input, ...readKubectlText(input, options) }));
  const objects = mergeSnapshots(
    read.map((r) => r.snapshot),
    { kind: 'kubectl', description: `kubectl output (${inputs.map((i) => (i.name === '-' ? 'stdin' : i.name)).join(', ')})`, collectedAt: (options.now ?? new Date()).toISOString() },
  );
  const accounts = read.map((r) => r.account);
  for (const r of read) {
    for (const log of r.logs) {
      const hint = log.hint;
      const target: LogTarget = hint?.verb === 'logs'
        ? { ...(hint.name && hint.kind === 'Pod' ? { pod: hint.name } : {}), ...(hint.container ? { container: hint.container } : {}), ...(hint.namespace ? { namespace: hint.namespace } : {}), ...(hint.previous ? { previous: true } : {}) }
        : {};
      const streams = containerLogsFromText(log.text, resolveLogTarget(objects, target, r.input.name, log.text));
      addStreams(objects.logs, streams);
      r.account.log_lines = (r.account.log_lines ?? 0) + streams.reduce((n, s) => n + s.lines.length, 0);
    }
  }
  for (const log of options.logs ?? []) {
    const streams = containerLogsFromText(log.text, resolveLogTarget(objects, log.target ?? {}, log.name, log.text));
    addStreams(objects.logs, streams);
    accounts.push({ source: log.name === '-' ? 'stdin' : log.name, recognized_as: ['log lines (--logs)'], objects: 0, log_lines: streams.reduce((n, s) => n + s.lines.length, 0) });
  }
  objects.source = { ...objects.source, inputs: accounts };
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
