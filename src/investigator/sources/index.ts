import { readFile, stat } from 'node:fs/promises';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { demoSource } from './demo-cluster/index.js';
import { createDumpSource, isDumpFolder } from './dump-source.js';
import type { LogInput, TextInput } from './kubectl-source.js';
import { createKubectlSource } from './kubectl-source.js';
import { parseLogTarget } from './kubectl-text/container-logs.js';
import { mergeSnapshots } from './merge.js';
import type { ClusterSnapshot, ConnectivityReport, EvidenceScope, EvidenceSource } from '../cluster/snapshot.js';

/**
 * One entry point for every evidence source, chosen from CLI-like options:
 * `--live`, `--demo`, or `--from PATH…` (a dump folder, or kubectl output files; `-` is stdin,
 * whose text the caller passes in `stdin`) with `--logs [target=]FILE…`.
 */
export interface OpenEvidenceOptions {
  live?: boolean;
  kubeconfig?: string;
  from?: string[];
  /** The text of stdin when `from` contains `-`. */
  stdin?: string;
  /** `FILE` or `[ns/]pod[/container][@previous]=FILE`. */
  logs?: string[];
  demo?: boolean;
  /** Mask secret-looking values (default true). */
  redact?: boolean;
}

/** `pod/container=FILE` → target and file; a bare FILE has no target. */
export function parseLogsOption(spec: string): { file: string; target?: ReturnType<typeof parseLogTarget> } {
  const i = spec.indexOf('=');
  if (i <= 0) return { file: spec };
  return { file: spec.slice(i + 1), target: parseLogTarget(spec.slice(0, i)) };
}

async function readInput(path: string, stdin: string | undefined): Promise<TextInput> {
  if (path === '-') {
    if (stdin === undefined) throw new SyntraError('evidence_unreadable', '--from - needs text on stdin');
    return { name: '-', text: stdin };
  }
  try {
    return { name: path, text: await readFile(path, 'utf8') };
  } catch (e) {
    throw new SyntraError('evidence_unreadable', `cannot read ${path}: ${errorMessage(e)}`, { cause: e });
  }
}

/** Several sources as one (a dump folder plus a describe file): collected and merged. */
function combinedSource(sources: EvidenceSource[]): EvidenceSource {
  const first = sources[0]!;
  return {
    kind: first.kind,
    async check(signal?: AbortSignal): Promise<ConnectivityReport> {
      const reports = await Promise.all(sources.map((s) => s.check(signal)));
      return reports.find((r) => !r.ok) ?? { ok: true, description: reports.map((r) => r.description).join(' + ') };
    },
    async listNamespaces(signal?: AbortSignal): Promise<string[]> {
      return [...new Set((await Promise.all(sources.map((s) => s.listNamespaces(signal)))).flat())].sort();
    },
    async collect(scope: EvidenceScope, signal?: AbortSignal): Promise<ClusterSnapshot> {
      return mergeSnapshots(await Promise.all(sources.map((s) => s.collect(scope, signal))));
    },
  };
}

export async function openEvidenceSource(options: OpenEvidenceOptions): Promise<EvidenceSource> {
  const redact = options.redact ?? true;
  const chosen = [options.live, options.demo, (options.from?.length ?? 0) > 0].filter(Boolean).length;
  if (chosen > 1) throw new SyntraError('bad_request', 'choose one evidence source: --live, --demo or --from');
  // @kubernetes/client-node costs a second and a hundred megabytes to load: only --live pays it.
  if (options.live) return (await import('./live-source.js')).createLiveSource({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), redact });
  if (options.demo) return demoSource({ redact });
  const from = options.from ?? [];
  if (from.length === 0) throw new SyntraError('bad_request', 'no evidence source: use --live, --demo or --from PATH');

  const dumps: EvidenceSource[] = [];
  const texts: TextInput[] = [];
  for (const path of from) {
    if (path !== '-' && (await stat(path).catch(() => undefined))?.isDirectory()) {
      if (!(await isDumpFolder(path))) throw new SyntraError('evidence_unreadable', `${path} is a folder but not a kubectl cluster-info dump (no *.json, no pod logs)`);
      dumps.push(createDumpSource(path, { redact }));
    } else texts.push(await readInput(path, options.stdin));
  }
  const logs: LogInput[] = [];
  for (const spec of options.logs ?? []) {
    const { file, target } = parseLogsOption(spec);
    const input = await readInput(file, options.stdin);
    logs.push({ ...input, ...(target ? { target } : {}) });
  }
  const sources = [...dumps];
  if (texts.length > 0 || logs.length > 0) sources.push(createKubectlSource(texts, { logs, redact }));
  return sources.length === 1 ? sources[0]! : combinedSource(sources);
}

export type { ClusterSnapshot, ConnectivityReport, EvidenceScope, EvidenceSource } from '../cluster/snapshot.js';
export { emptySnapshot } from '../cluster/snapshot.js';
export { mergeSnapshots } from './merge.js';
export { createDumpSource, readDumpFolder } from './dump-source.js';
export { createKubectlSource, buildKubectlSnapshot } from './kubectl-source.js';
export { readKubectlText } from './kubectl-text/read-text.js';
export { demoSource, DEMO_DIR, DEMO } from './demo-cluster/index.js';
export { isPodUnhealthy, containerNeedsAttention } from './pod-health.js';
