import type { V1Container, V1ContainerStateWaiting } from '@kubernetes/client-node';
import type { EvidenceItem } from '../../domain/diagnosis.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { listedAlternatives } from './listed-alternatives.js';
import { baseFacts, nodeLink, type PodFacts } from './pod-facts.js';
import { containerEvents, type ContainerView } from './pod-status.js';

/** CreateContainerConfigError: a referenced Secret, ConfigMap or key is missing. Name it. */
export interface MissingRef {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  key?: string;
  /** Where the pod spec refers to it. */
  path: string;
}

const MESSAGES: readonly [RegExp, (m: RegExpExecArray) => Omit<MissingRef, 'path'>][] = [
  [/couldn't find key (\S+) in Secret [\w.-]+\/([\w.-]+)/, (m) => ({ kind: 'Secret', name: m[2]!, key: m[1]! })],
  [/couldn't find key (\S+) in ConfigMap [\w.-]+\/([\w.-]+)/, (m) => ({ kind: 'ConfigMap', name: m[2]!, key: m[1]! })],
  [/secrets? "([^"]+)" not found/i, (m) => ({ kind: 'Secret', name: m[1]! })],
  [/configmaps? "([^"]+)" not found/i, (m) => ({ kind: 'ConfigMap', name: m[1]! })],
];

export function parseMissingRef(message: string): Omit<MissingRef, 'path'> | undefined {
  for (const [re, build] of MESSAGES) {
    const m = re.exec(message);
    if (m) return build(m);
  }
  return undefined;
}

/** Non-optional env / envFrom references that the snapshot shows missing (when it knows the namespace's secrets). */
export function missingRefs(p: PodFacts, spec: V1Container | undefined): MissingRef[] {
  if (!spec) return [];
  const idx = p.ctx.cluster;
  const knows = (kind: 'Secret' | 'ConfigMap') =>
    p.ctx.snapshot.source.kind !== 'kubectl' || (kind === 'Secret' ? p.ctx.snapshot.secrets : p.ctx.snapshot.configMaps).some((o) => o.metadata.namespace === p.namespace);
  const check = (kind: 'Secret' | 'ConfigMap', name: string, key: string | undefined, path: string): MissingRef | undefined => {
    if (!knows(kind)) return undefined;
    const obj = kind === 'Secret' ? idx.get('Secret', p.namespace, name) : idx.get('ConfigMap', p.namespace, name);
    if (!obj) return { kind, name, path };
    return key !== undefined && !obj.keysUnknown && !obj.keys.includes(key) ? { kind, name, key, path } : undefined;
  };
  const out: MissingRef[] = [];
  const base = `spec.containers[${spec.name}]`;
  for (const env of spec.env ?? []) {
    const s = env.valueFrom?.secretKeyRef;
    const c = env.valueFrom?.configMapKeyRef;
    const r = s && !s.optional ? check('Secret', s.name ?? '', s.key, `${base}.env[${env.name}]`) : c && !c.optional ? check('ConfigMap', c.name ?? '', c.key, `${base}.env[${env.name}]`) : undefined;
    if (r) out.push(r);
  }
  for (const from of spec.envFrom ?? []) {
    const r = from.secretRef && !from.secretRef.optional ? check('Secret', from.secretRef.name ?? '', undefined, `${base}.envFrom`)
      : from.configMapRef && !from.configMapRef.optional ? check('ConfigMap', from.configMapRef.name ?? '', undefined, `${base}.envFrom`) : undefined;
    if (r) out.push(r);
  }
  return out;
}

function refExists(p: PodFacts, r: Omit<MissingRef, 'path'>): boolean {
  const obj = r.kind === 'Secret' ? p.ctx.cluster.get('Secret', p.namespace, r.name) : p.ctx.cluster.get('ConfigMap', p.namespace, r.name);
  return obj !== undefined && (r.key === undefined || obj.keysUnknown === true || obj.keys.includes(r.key));
}

const describeRef = (r: Omit<MissingRef, 'path'>): string =>
  r.key ? `key ${r.key} of ${r.kind.toLowerCase()} ${r.name}` : `${r.kind.toLowerCase()} ${r.name}`;

export function configErrorFinding(p: PodFacts, view: ContainerView, waiting: V1ContainerStateWaiting): AnalyzerFinding {
  const message = waiting.message ?? containerEvents(p.events, view.name).filter((e) => e.reason === 'Failed').at(-1)?.message ?? '';
  const fromSpec = missingRefs(p, view.spec);
  const parsed = parseMissingRef(message);
  const ref = parsed ?? fromSpec[0];
  const evidence: EvidenceItem[] = [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.reason`, waiting.reason ?? 'CreateContainerConfigError')];
  if (waiting.message) evidence.push(fieldEvidence(p.ref, `${view.statusPath}.state.waiting.message`, waiting.message));
  const ev = containerEvents(p.events, view.name).filter((e) => e.reason === 'Failed' && e.message === message).at(-1);
  if (ev && !waiting.message) evidence.push(eventEvidence(p.ref, ev));
  const specRef = fromSpec.find((r) => r.name === ref?.name) ?? fromSpec[0];
  if (specRef) evidence.push(specEvidence(p.ref, specRef.path, `${specRef.kind.toLowerCase()} ${specRef.name}${specRef.key ? ` key ${specRef.key}` : ''}`));
  // The message names it, and the snapshot confirms it is (still) missing: exact evidence.
  const confirmed = ref !== undefined && fromSpec.some((r) => r.name === ref.name && r.kind === ref.kind);
  const existsNow = parsed !== undefined && !confirmed && refExists(p, parsed);
  const alternatives = ref && !existsNow ? listedAlternatives(p.ctx.snapshot, ref.kind === 'Secret' ? { secret: ref.name, ...(ref.key ? { key: ref.key } : {}) } : { configMap: ref.name, ...(ref.key ? { key: ref.key } : {}) }) : '';
  return makeFinding({
    type: 'container_config_error',
    subject: p.ref,
    summary: ref
      ? `Container ${view.name} of pod ${p.name} cannot start: ${describeRef(ref)} is missing in namespace ${p.namespace ?? '?'}${existsNow ? ' (it exists now: the next retry may succeed)' : ''}${alternatives}.`
      // Without the message (a get table shows only the reason), say what the reason means.
      : `Container ${view.name} of pod ${p.name} cannot start: ${message || 'CreateContainerConfigError: most often a secret or configmap (or a key in one) that its env, envFrom or volumes reference does not exist; else runAsNonRoot against a root image or a subPath that cannot be prepared (the pod\'s events say which)'}.`,
    confidence: ref ? (existsNow ? 0.75 : confirmed || parsed ? 0.95 : 0.85) : 0.6,
    evidence,
    facts: {
      ...baseFacts(p, view.name),
      ...(ref?.kind === 'Secret' ? { secret: ref.name } : ref ? { configMap: ref.name } : {}),
      ...(ref?.key ? { key: ref.key } : {}),
    },
    links: nodeLink(p),
  });
}
