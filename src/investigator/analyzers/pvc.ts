import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { eventEvidence, fieldEvidence, latestEvent, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { matchMessage } from '../messages/catalogue.js';

/** PVC: Pending because it cannot bind to the volume it names, its storage class is missing, no default class exists, or provisioning failed; Lost. */
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

/**
 * The PersistentVolume a Pending claim would bind to, when the only one there is Released (or Failed): the
 * volume controller binds a claim to an Available volume only, and a Released one keeps the claimRef of the
 * claim it served (pkg/controller/volume/persistentvolume), so a new claim of the same name waits for ever.
 */
function releasedVolume(ctx: AnalysisContext, pvc: V1PersistentVolumeClaim): V1PersistentVolume | undefined {
  // Only a claim that binds to existing volumes: one naming its volume, one without a class, or a class without a provisioner.
  const sc = pvc.spec?.storageClassName;
  const provisioner = sc ? ctx.cluster.get('StorageClass', undefined, sc)?.provisioner : undefined;
  if (!pvc.spec?.volumeName && sc && provisioner !== 'kubernetes.io/no-provisioner') return undefined;
  const wanted = (pv: V1PersistentVolume) => (pvc.spec?.volumeName ? pv.metadata?.name === pvc.spec.volumeName : (pv.spec?.storageClassName ?? '') === (pvc.spec?.storageClassName ?? ''));
  const candidates = ctx.snapshot.persistentVolumes.filter(wanted);
  if (candidates.some((pv) => pv.status?.phase === 'Available')) return undefined;
  return candidates.find((pv) => pv.status?.phase === 'Released' || pv.status?.phase === 'Failed');
}

export function analyzePvc(ctx: AnalysisContext, pvc: V1PersistentVolumeClaim): AnalyzerFinding[] {
  const phase = pvc.status?.phase;
  if (phase !== 'Pending' && phase !== 'Lost') return [];
  const ref = refOf(pvc, 'PersistentVolumeClaim');
  const sc = pvc.spec?.storageClassName;
  const events = ctx.cluster.eventsFor('PersistentVolumeClaim', ref.namespace, ref.name);
  const facts = { pvc: ref.name, ...(sc ? { storageClass: sc } : {}) };
  const phaseEvidence = fieldEvidence(ref, 'status.phase', phase);
  const make = (summary: string, confidence: number, evidence = [phaseEvidence], type: 'pvc_provisioning_failure' | 'unschedulable_pvc' = 'pvc_provisioning_failure') =>
    [makeFinding({ type, subject: ref, summary, confidence, evidence, facts })];
  if (phase === 'Lost') return make(`PersistentVolumeClaim ${ref.name} is Lost: its volume ${pvc.spec?.volumeName ?? ''} no longer exists.`, 0.85);
  const released = releasedVolume(ctx, pvc);
  if (released) {
    const pvRef = refOf(released, 'PersistentVolume');
    const claim = released.spec?.claimRef ? `${released.spec.claimRef.namespace ?? ''}/${released.spec.claimRef.name ?? ''}` : 'its previous claim';
    return make(`PersistentVolumeClaim ${ref.name} is Pending: the volume that would match it, ${pvRef.name}, is ${released.status?.phase} and still reserved for ${claim} (reclaim policy ${released.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}): a released volume is not bound again until its spec.claimRef is removed (or the volume is recreated).`,
      // Reserved for a claim of this very name: the claim was deleted and made anew, the textbook case.
      released.spec?.claimRef?.name === ref.name ? 0.93 : 0.85,
      [phaseEvidence, fieldEvidence(pvRef, 'status.phase', released.status?.phase ?? ''), fieldEvidence(pvRef, 'spec.claimRef', claim)]);
  }
  // Bound to a volume it cannot use (VolumeMismatch): nothing is provisioned, the claim just cannot bind.
  const mismatch = latestEvent(events, ['VolumeMismatch']);
  const heard = mismatch ? matchMessage(mismatch.message ?? '') : undefined;
  if (mismatch && heard?.type === 'unschedulable_pvc') {
    return make(`PersistentVolumeClaim ${ref.name} is Pending: ${heard.cause}.`, heard.confidence, [phaseEvidence, eventEvidence(ref, mismatch)], 'unschedulable_pvc');
  }
  const failed = latestEvent(events, ['ProvisioningFailed']);
  if (failed) {
    const missing = /storageclass\.storage\.k8s\.io "([^"]+)" not found/.exec(failed.message ?? '')?.[1];
    return make(
      missing ? `PersistentVolumeClaim ${ref.name} is Pending: storage class ${missing} not found.` : `PersistentVolumeClaim ${ref.name} is Pending: provisioning failed: ${failed.message ?? ''}`,
      0.93, [phaseEvidence, eventEvidence(ref, failed)]);
  }
  const classes = ctx.snapshot.storageClasses;
  if (sc && classes.length > 0 && !ctx.cluster.get('StorageClass', undefined, sc)) {
    return make(`PersistentVolumeClaim ${ref.name} is Pending: storage class ${sc} not found.`, 0.9, [phaseEvidence, specEvidence(ref, 'spec.storageClassName', sc)]);
  }
  if (sc === undefined && !pvc.spec?.volumeName && classes.length > 0 && !classes.some((c) => c.metadata?.annotations?.[DEFAULT_CLASS] === 'true')) {
    return make(`PersistentVolumeClaim ${ref.name} is Pending: it names no storage class and the cluster has no default StorageClass.`, 0.85,
      [phaseEvidence, specEvidence(ref, 'spec.storageClassName', '<unset>')]);
  }
  if (latestEvent(events, ['WaitForFirstConsumer', 'WaitForPodScheduled'])) return [];
  const external = latestEvent(events, ['ExternalProvisioning']);
  if (external) return make(`PersistentVolumeClaim ${ref.name} is Pending: still waiting for the external provisioner: ${external.message ?? ''}`, 0.6, [phaseEvidence, eventEvidence(ref, external)]);
  // Claims that did bind show which storage class works here.
  const working = [...new Set(ctx.cluster.list('PersistentVolumeClaim', ref.namespace).filter((c) => c.status?.phase === 'Bound' && c.spec?.storageClassName).map((c) => c.spec!.storageClassName!))];
  if (sc && working.length > 0 && !working.includes(sc)) {
    return make(`PersistentVolumeClaim ${ref.name} is Pending with storage class ${sc}, while the claims that are bound here use ${working.join(', ')}: storage class ${sc} most likely does not exist or has no working provisioner.`, 0.8,
      [phaseEvidence, specEvidence(ref, 'spec.storageClassName', sc)]);
  }
  if (!sc && !pvc.spec?.volumeName) {
    return make(`PersistentVolumeClaim ${ref.name} is Pending and names no storage class: without a default StorageClass (or a matching PersistentVolume) nothing can bind it.`, 0.7,
      [phaseEvidence, specEvidence(ref, 'spec.storageClassName', '<unset>')]);
  }
  return make(`PersistentVolumeClaim ${ref.name} is Pending (unbound)${sc ? ` with storage class ${sc}: check that the storage class exists and its provisioner runs` : ''}.`, 0.5);
}

export const pvcAnalyzer: Analyzer = {
  kind: 'PersistentVolumeClaim',
  analyze: (ctx) => ctx.scope.persistentVolumeClaims.flatMap((p) => analyzePvc(ctx, p)),
};
