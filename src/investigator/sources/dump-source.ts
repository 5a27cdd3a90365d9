import type { V1Pod } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { addDocument } from '../cluster/objects.js';
import { readLogDirs } from './dump-log-reader.js';
import { isLogFile, podLogs } from './dump-logs.js';
import { localSnapshotSource } from './local-source.js';
import type { ClusterSnapshot, EvidenceSource, EvidenceSourceKind } from '../cluster/snapshot.js';
import { emptySnapshot } from '../cluster/snapshot.js';

/**
 * A `kubectl cluster-info dump --output-directory DIR` folder as an evidence source.
 *
 * Layouts accepted:
 * - the dump root: `DIR/nodes.json`, `DIR/<ns>/{pods,services,deployments,replicasets,daemonsets,
 *   replication-controllers,events}.json`, `DIR/<ns>/<pod>/logs.txt` (one or all namespaces);
 * - one namespace folder of it given directly: `DIR/pods.json`, `DIR/<pod>/logs.txt`.
 * Any other `*.json` holding a Kubernetes object or List (endpoints.json, statefulsets.json,
 * jobs.json, secrets.json, persistentvolumes.json, …) is sorted in by its items' kind, so a dump
 * can be completed with `kubectl get … -o json > DIR/<ns>/<name>.json`. Logs: see dump-logs.ts.
 */
export interface FileSourceOptions {
  /** Mask secret-looking values (default true). `false` only for local, unshared output. */
  redact?: boolean;
}

export interface DumpSourceOptions extends FileSourceOptions {
  kind?: Extract<EvidenceSourceKind, 'dump' | 'demo'>;
  description?: string;
}

async function listDir(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  return {
    files: entries.filter((e) => e.isFile()).map((e) => e.name).sort(),
    dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(),
  };
}

// Synchronous: fs/promises reads a large file in 512 KiB chunks through a string decoder (on a
// 5,000-pod dump's 16 MB pods.json ~0.1 s of main thread); readFileSync decodes it once.
function addJsonFile(snapshot: ClusterSnapshot, path: string): void {
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SyntraError('evidence_unreadable', `${path} is not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  addDocument(snapshot, doc);
}

/** Reads a whole dump folder into one unmasked snapshot. */
export async function readDumpFolder(dir: string, kind: EvidenceSourceKind = 'dump'): Promise<ClusterSnapshot> {
  const root = resolve(dir);
  const snapshot = emptySnapshot({ kind, description: `cluster dump ${dir}`, collectedAt: new Date().toISOString() });
  const top = await listDir(root);

  // Which subdirectories are namespaces (hold *.json) and which are pods (hold logs only); the
  // pods' logs are read (off the main thread when there are many) while the JSON is parsed.
  const jsonFiles = top.files.filter((x) => x.endsWith('.json')).map((f) => join(root, f));
  const podDirs: { namespace: string | undefined; pod: string; dir: string }[] = [];
  for (const sub of top.dirs) {
    const subDir = join(root, sub);
    const inner = await listDir(subDir);
    if (inner.files.some((f) => f.endsWith('.json'))) {
      if (!snapshot.namespaces.includes(sub)) snapshot.namespaces.push(sub);
      jsonFiles.push(...inner.files.filter((x) => x.endsWith('.json')).map((f) => join(subDir, f)));
      for (const pod of inner.dirs) podDirs.push({ namespace: sub, pod, dir: join(subDir, pod) });
    } else if (inner.files.some(isLogFile)) {
      podDirs.push({ namespace: undefined, pod: sub, dir: subDir });
    }
  }
  const logFiles = readLogDirs(podDirs.map((p) => p.dir));
  // Settled whatever happens below, so a JSON error is not followed by an unhandled rejection.
  logFiles.catch(() => undefined);
  for (const f of jsonFiles) addJsonFile(snapshot, f);

  // Index pods by name once: a linear search per pod folder is quadratic on large dumps.
  const podsByName = new Map<string, V1Pod[]>();
  for (const pod of snapshot.pods) {
    const name = pod.metadata?.name ?? '';
    podsByName.set(name, [...(podsByName.get(name) ?? []), pod]);
  }
  const files = await logFiles;
  const logs = podDirs.map((p, i) => {
    const pod = podsByName.get(p.pod)?.find((x) => p.namespace === undefined || x.metadata?.namespace === p.namespace);
    // A namespace folder given directly: the namespace comes from its objects, else its name.
    const namespace = p.namespace ?? pod?.metadata?.namespace ?? basename(root);
    const defaultContainer = pod?.spec?.containers[0]?.name ?? p.pod;
    return podLogs({ namespace, pod: p.pod, dir: p.dir, defaultContainer }, files[i]!);
  });
  for (const l of logs) snapshot.logs.push(...l);
  const namespaces = new Set(snapshot.namespaces);
  for (const o of [...snapshot.pods, ...snapshot.services, ...snapshot.events]) if (o.metadata?.namespace) namespaces.add(o.metadata.namespace);
  snapshot.namespaces = [...namespaces].sort();
  return snapshot;
}

/** True when `dir` looks like a dump folder (a root or one namespace of it). */
export async function isDumpFolder(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    const top = await listDir(dir);
    if (top.files.some((f) => f.endsWith('.json'))) return true;
    for (const sub of top.dirs) {
      const inner = await listDir(join(dir, sub));
      if (inner.files.some((f) => f.endsWith('.json') || isLogFile(f))) return true;
    }
    return false;
  } catch {
    return false;
  }
}

export function createDumpSource(dir: string, options: DumpSourceOptions = {}): EvidenceSource {
  const kind = options.kind ?? 'dump';
  const description = options.description ?? `cluster dump ${dir}`;
  let cached: Promise<ClusterSnapshot> | undefined;
  const load = (): Promise<ClusterSnapshot> => {
    cached ??= readDumpFolder(dir, kind).catch((e: unknown) => {
      cached = undefined;
      if (e instanceof SyntraError) throw e;
      throw new SyntraError('evidence_unreadable', `cannot read the dump folder ${dir}: ${errorMessage(e)}`, { cause: e });
    });
    return cached;
  };
  return localSnapshotSource({ kind, description, load, restamp: true, redact: options.redact });
}
