import type { V1ReplicaSet, V1ContainerStateWaiting } from '@kubernetes/client-node';
import { whyImagePullFailed } from '../messages/catalogue.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { baseFacts, nodeLink, type PodFacts } from './pod-facts.js';
import { containerEvents, type ContainerView } from './pod-status.js';

/**
 * ImagePullBackOff / ErrImagePull: which image, and why the pull failed (from the kubelet's event).
 * The reasons are pkg/kubelet/images/types.go's (RegistryUnavailable up to 1.25).
 */
export const IMAGE_PULL_REASONS = ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'ImageInspectError', 'RegistryUnavailable'];

const splitImage = (image: string): { repo: string; tag?: string } => {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? { repo: image.slice(0, at), tag: image.slice(at + 1) } : { repo: image };
};

/** Images running in a namespace, gathered once per analysis (every failing pull asks). */
const runningImages = new WeakMap<object, Map<string, Set<string>>>();

function imagesRunningIn(p: PodFacts): Set<string> {
  let byNamespace = runningImages.get(p.ctx.cluster);
  if (!byNamespace) runningImages.set(p.ctx.cluster, (byNamespace = new Map()));
  const ns = p.namespace ?? '';
  let images = byNamespace.get(ns);
  if (!images) {
    images = new Set<string>();
    for (const pod of p.ctx.cluster.podsIn(p.namespace)) {
      for (const s of pod.status?.containerStatuses ?? []) if (s.state?.running) images.add(s.image);
    }
    byNamespace.set(ns, images);
  }
  return images;
}

/** Another revision or pod using the same repository with a tag that works: a likely tag typo. */
function workingTag(p: PodFacts, image: string): string | undefined {
  const { repo, tag } = splitImage(image);
  const images = new Set<string>(imagesRunningIn(p));
  const [kind, name] = p.workload.split('/');
  if (kind === 'deployment' && name) {
    for (const rs of p.ctx.cluster.ownedBy<V1ReplicaSet>('Deployment', p.namespace, name)) {
      for (const c of rs.spec?.template?.spec?.containers ?? []) images.add(c.image ?? '');
    }
  }
  for (const other of images) {
    const o = splitImage(other);
    if (o.repo.endsWith(repo) || repo.endsWith(o.repo)) if (o.tag && o.tag !== tag) return o.tag;
  }
  return undefined;
}

export function imagePullFinding(p: PodFacts, view: ContainerView, waiting: V1ContainerStateWaiting): AnalyzerFinding {
  const image = view.spec?.image ?? view.status?.image ?? '?';
  const failures = containerEvents(p.events, view.name).filter((e) => e.reason === 'Failed');
  // "Failed to pull image ...: <why>" carries the reason; "Error: ImagePullBackOff" only repeats the state.
  const failed = failures.filter((e) => /Failed to pull image|failed to pull|Failed to inspect image|pull access denied/i.test(e.message ?? '')).at(-1) ?? failures.at(-1);
  const text = `${failed?.message ?? ''} ${waiting.message ?? ''} ${waiting.reason ?? ''}`;
  const why = whyImagePullFailed(text);
  const notFound = /does not exist|tag/.test(why);
  const good = notFound ? workingTag(p, image) : undefined;
  const hint = good ? `; tag typo? ${splitImage(image).repo}:${good} is in use` : '';
  return makeFinding({
    type: 'image_pull_error',
    subject: p.ref,
    summary: `Container ${view.name} of pod ${p.name} cannot pull image ${image}: ${why}${hint}.`,
    confidence: failed ? 0.95 : 0.85,
    evidence: [
      fieldEvidence(p.ref, `${view.statusPath}.state.waiting.reason`, waiting.reason ?? ''),
      ...(waiting.message ? [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.message`, waiting.message)] : []),
      ...(failed ? [eventEvidence(p.ref, failed)] : []),
      fieldEvidence(p.ref, `spec.containers[${view.name}].image`, image),
    ],
    facts: { ...baseFacts(p, view.name), image },
    links: nodeLink(p),
  });
}
