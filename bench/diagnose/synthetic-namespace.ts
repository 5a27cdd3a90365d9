import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A realistic large namespace for the diagnose benchmark, written as a `kubectl cluster-info
 * dump` folder: renamed copies of the demo cluster's namespace `production` (its incident: a
 * service with no endpoints under a crash-looping deployment, an OOMKilled worker, a bad image
 * tag, a pod pending on memory, a missing secret) plus more copies of only its healthy workloads,
 * until the namespace holds at least `targetPods` pods — so most pods are healthy and a minority
 * is broken, as in a real namespace.
 *
 * Copies are made on the raw JSON text: every workload/service/config name (and every name built
 * on it: pods, replica sets, events, DNS names in logs, label values, selectors) gets a `-cK`
 * suffix and every UID a per-copy variant, so owner chains, selectors and log hosts stay
 * consistent inside each copy. Objects that name none of them (quotas, limit ranges) exist once.
 */
export interface SyntheticNamespace {
  dir: string;
  namespace: string;
  pods: number;
  fullCopies: number;
  healthyCopies: number;
}

type Raw = { metadata?: { name?: string }; [k: string]: unknown };
interface ListFile {
  file: string;
  doc: { kind?: string; apiVersion?: string; metadata?: unknown; items: Raw[] };
}

const UUID = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)([0-9a-f]{4})([0-9a-f]{8})\b/g;
const ROUTING = /^(ingresses|horizontalpodautoscalers)\.json$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names worth renaming: the workloads and what they use; longest first so alternation prefers them. */
function namesOf(lists: ListFile[]): string[] {
  const kinds = /^(deployments|statefulsets|daemonsets|cronjobs|services|configmaps|secrets|persistentvolumeclaims|horizontalpodautoscalers|ingresses)\.json$/;
  const names = new Set<string>();
  for (const l of lists) if (kinds.test(l.file)) for (const item of l.doc.items) if (item.metadata?.name) names.add(item.metadata.name);
  return [...names].sort((a, b) => b.length - a.length);
}

function renamer(names: string[], copy: number): (text: string) => string {
  const re = new RegExp(`(?<![A-Za-z0-9])(${names.map(escape).join('|')})(?![A-Za-z0-9])`, 'g');
  const uidPart = copy.toString(16).padStart(4, '0');
  return (text) => text.replace(re, `$1-c${copy}`).replace(UUID, (_m, head: string, _mid: string, tail: string) => `${head}${uidPart}${tail}`);
}

export async function writeSyntheticNamespace(demoDir: string, outDir: string, options: { targetPods?: number; fullCopies?: number; unhealthyNames: ReadonlySet<string> }): Promise<SyntheticNamespace> {
  const namespace = 'production';
  const targetPods = options.targetPods ?? 500;
  const fullCopies = options.fullCopies ?? 10;
  const srcNs = path.join(demoDir, namespace);
  const entries = await readdir(srcNs, { withFileTypes: true });
  const lists: ListFile[] = [];
  for (const e of entries.filter((x) => x.isFile() && x.name.endsWith('.json'))) {
    lists.push({ file: e.name, doc: JSON.parse(await readFile(path.join(srcNs, e.name), 'utf8')) as ListFile['doc'] });
  }
  const podDirs = entries.filter((x) => x.isDirectory()).map((x) => x.name);
  const names = namesOf(lists);
  const mentions = new RegExp(`(?<![A-Za-z0-9])(${names.map(escape).join('|')})(?![A-Za-z0-9])`, 'g');
  const namedIn = (text: string) => new Set([...text.matchAll(mentions)].map((m) => m[1]!));
  // Which workload an object belongs to is read from its own name (pods, replica sets and events
  // are named after their workload); what it merely mentions (an env var naming another service) does not count.
  const healthyOnly = (ownName: string) => {
    const found = namedIn(ownName);
    return found.size > 0 && [...found].every((n) => !options.unhealthyNames.has(n));
  };

  const out = new Map<string, Raw[]>(lists.map((l) => [l.file, []]));
  const outNs = path.join(outDir, namespace);
  await mkdir(outNs, { recursive: true });
  let pods = 0;
  let copy = 0;
  let healthyCopies = 0;
  const podsPerHealthyCopy = (lists.find((l) => l.file === 'pods.json')?.doc.items ?? []).filter((p) => healthyOnly(p.metadata?.name ?? '')).length;
  if (podsPerHealthyCopy === 0) throw new Error('the demo namespace has no healthy pods to replicate');

  while (pods < targetPods) {
    const full = copy < fullCopies;
    const rename = copy === 0 ? (t: string) => t : renamer(names, copy);
    for (const l of lists) {
      for (const item of l.doc.items) {
        const text = JSON.stringify(item);
        const named = namedIn(text).size > 0;
        // Unnamed objects (quota, limit range) once; healthy-only copies skip the broken workloads.
        if (copy > 0 && !named) continue;
        // Routing objects (an ingress over several services) must point only at healthy ones.
        if (!full && !(healthyOnly(item.metadata?.name ?? '') && (!ROUTING.test(l.file) || healthyOnly(text)))) continue;
        out.get(l.file)!.push(JSON.parse(rename(text)) as Raw);
        if (l.file === 'pods.json') pods += 1;
      }
    }
    for (const pod of podDirs) {
      if (!full && !healthyOnly(pod)) continue;
      const target = path.join(outNs, rename(pod));
      await mkdir(target, { recursive: true });
      for (const f of await readdir(path.join(srcNs, pod))) {
        await writeFile(path.join(target, rename(f)), rename(await readFile(path.join(srcNs, pod, f), 'utf8')));
      }
    }
    if (!full) healthyCopies += 1;
    copy += 1;
  }

  for (const l of lists) await writeFile(path.join(outNs, l.file), JSON.stringify({ ...l.doc, items: out.get(l.file) }));
  // Cluster-scoped objects (nodes, PVs, storage classes) as they are.
  for (const e of await readdir(demoDir, { withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.json')) await copyFile(path.join(demoDir, e.name), path.join(outDir, e.name));
  }
  return { dir: outDir, namespace, pods, fullCopies: Math.min(fullCopies, copy), healthyCopies };
}
