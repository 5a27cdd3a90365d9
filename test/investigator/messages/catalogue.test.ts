import { describe, expect, it } from 'vitest';
import { matchMessage } from '../../../src/investigator/messages/catalogue.js';
import { readSchedulingMessage } from '../../../src/investigator/messages/scheduler.js';

/**
 * What Kubernetes says, read through the one message catalogue, on sentences real clusters
 * printed (each comment says where it was pasted). Events reach the catalogue as `Reason: message`.
 */
describe('the message catalogue on real sentences', () => {
  it('a missing configmap or secret in an event, behind its reason; kubectl\'s own NotFound is not a pod\'s need', () => {
    // j-nectar-postgres-configmap-not-found (ibtisam-iq/nectar practice labs, env-var.md): a describe event row
    expect(matchMessage('Failed: Error: configmap "postgres-db-config" not found')).toMatchObject({ type: 'container_config_error', facts: { configMap: 'postgres-db-config' } });
    // g-cloud-on-k8s-545 (elastic/cloud-on-k8s#545): a container state message
    expect(matchMessage('secrets "kibana-es-sample-elastic-internal-kibana" not found')).toMatchObject({ type: 'container_config_error', facts: { secret: 'kibana-es-sample-elastic-internal-kibana' } });
    // kubectl's own error when the object asked for is not there
    expect(matchMessage('Error from server (NotFound): secrets "db-credentials" not found')?.type).not.toBe('container_config_error');
  });

  it('the kubelet killing a container for its liveness probe is a probe lead, not a certainty', () => {
    // i-eks-blueprints-workshop-pr24 (aws-samples/eks-blueprints-for-terraform-workshop#24): Normal Killing event
    const m = matchMessage('Killing: Container carts failed liveness probe, will be restarted');
    expect(m).toMatchObject({ type: 'probe_failure', rule: 'probe-kill' });
    expect(m!.cause).toContain('liveness');
    expect(m!.confidence).toBeLessThan(0.7);
  });

  it('the kubelet\'s NodeHas…Pressure event is node pressure; its NodeHasNo…Pressure is not', () => {
    // c-bsycorp-kind-15-disk-pressure-prune (bsycorp/kind#15): a Normal event of the node's describe
    expect(matchMessage('NodeHasDiskPressure: Node minikube status is now: NodeHasDiskPressure')).toMatchObject({ type: 'node_pressure' });
    expect(matchMessage('NodeHasNoDiskPressure: Node minikube status is now: NodeHasNoDiskPressure')).toBeUndefined();
  });

  it('an exec probe the runtime timed out ("errored") is a probe that times out', () => {
    // kubernetes/kubernetes#82987: Unhealthy event of an exec liveness probe (curl, timeoutSeconds 2)
    expect(matchMessage('Unhealthy: Liveness probe errored: rpc error: code = DeadlineExceeded desc = context deadline exceeded')).toMatchObject({ type: 'probe_failure', rule: 'probe-timeout' });
  });

  it('a subPath the kubelet cannot prepare is a volume that does not mount, named', () => {
    // j-cray-csm-cephfs-subpath-mds (Cray-HPE/docs-csm, Kubernetes_Pods_Failing_to_Mount_PVCs.md): kubelet journal
    const line = 'Mar 27 18:04:26 ncn-w001 kubelet[63627]: E0327 23:04:26.085783   63627 kubelet_pods.go:226] failed to prepare subPath for volumeMount "slurm-data" of container "slurmctld": error resolving symlinks in "/var/lib/kubelet/pods/8c006150-1473-4299-a2c5-429d6bd145ed/volumes/kubernetes.io~cephfs/pvc-1a2bd4b7-1fee-4175-9f53-ff5b7ef8dea2": lstat /var/lib/kubelet/pods/8c006150-1473-4299-a2c5-429d6bd145ed/volumes/kubernetes.io~cephfs/pvc-1a2bd4b7-1fee-4175-9f53-ff5b7ef8dea2: permission denied';
    const m = matchMessage(line);
    expect(m?.type).toBe('volume_mount_failure');
    expect(m!.cause).toMatch(/^volume slurm-data cannot be prepared for container slurmctld/);
    // the same failure as the pod worker reports it, quotes escaped
    expect(matchMessage('Error syncing pod 8c006150-1473-4299-a2c5-429d6bd145ed ("slurmctld-6cb8c4fd66-h4wx6_user(8c006150-1473-4299-a2c5-429d6bd145ed)"), skipping: failed to "StartContainer" for "slurmctld" with CreateContainerConfigError: "failed to prepare subPath for volumeMount \\"slurm-data\\" of container \\"slurmctld\\""'))
      .toMatchObject({ type: 'volume_mount_failure', cause: 'volume slurm-data cannot be prepared for container slurmctld (its subPath)' });
  });

  it('a claim the PV controller will not bind to the volume it names waits, unbound', () => {
    // j-nectar-pvc-incompatible-accessmode (ibtisam-iq/nectar, volume-mounting.md): VolumeMismatch event
    expect(matchMessage('VolumeMismatch: Cannot bind to requested volume "my-pv-cka": incompatible accessMode')).toMatchObject({ type: 'unschedulable_pvc', cause: 'the claim cannot bind to the volume it requests, my-pv-cka: incompatible accessMode' });
  });
});

describe('scheduler summaries: the clause of the latest filter decides', () => {
  it('nodes outside the selector are exclusions; the node the pod wants lacks CPU', () => {
    // g-kiwix-ops-245 (kiwix/operations#245), a k9s describe row
    const message = "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.";
    const r = readSchedulingMessage(message)!;
    expect(r.clause).toMatchObject({ type: 'unschedulable_insufficient_resources', count: 1 });
    expect(r.mixed).toBeUndefined();
    expect(matchMessage(`FailedScheduling: ${message}`)).toMatchObject({ type: 'unschedulable_insufficient_resources', confidence: 0.9 });
  });

  it('a volume conflict beside nodes full for other reasons is the likeliest cause, said with doubt', () => {
    // i-kubeflow-7109 (kubeflow/kubeflow#7109), quoted by the reporter
    const message = '0/3 nodes are available: 1 Insufficient memory, 1 Too many pods, 1 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const r = readSchedulingMessage(message)!;
    expect(r.clause.type).toBe('unschedulable_pvc');
    expect(r.mixed?.map((c) => c.type)).toEqual(['unschedulable_insufficient_resources', 'node_capacity_exhausted']);
    const m = matchMessage(message)!;
    expect(m.type).toBe('unschedulable_pvc');
    expect(m.cause).toContain('volume node affinity conflict');
    expect(m.cause).toContain('other nodes: 1 Insufficient memory, 1 Too many pods');
    expect(m.confidence).toBeLessThan(0.7);
  });

  it('a control-plane taint is background; the affinity mismatch is said as a mismatch', () => {
    // j-nectar-frontend-node-affinity-label-value (ibtisam-iq/nectar, scheduling.md)
    const m = matchMessage("FailedScheduling: 0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")!;
    expect(m.type).toBe('unschedulable_node_selector');
    expect(m.cause).toBe('1 node(s) do not match its node selector / required node affinity');
  });

  it('Too many pods is node capacity, more CPU would not place the pod', () => {
    // kubeshark/kubeshark#1115: every node is at its pod limit
    expect(readSchedulingMessage('0/3 nodes are available: 3 Too many pods.')).toEqual({ clause: expect.objectContaining({ type: 'node_capacity_exhausted', count: 3 }) });
    // kubernetes/kubernetes#107194: cordoned nodes are no reason the table knows; the rest are full
    expect(readSchedulingMessage('0/5 nodes are available: 2 node(s) were unschedulable, 3 Insufficient pods.')?.clause.type).toBe('node_capacity_exhausted');
    // Panfactum/stack#129 (k9s row): the one node its affinity allows is full
    expect(readSchedulingMessage("0/7 nodes are available: 1 Too many pods, 6 node(s) didn't match Pod's node affinity/selector. preemption: 0/7 nodes are available: 1 No preemption victims found for incoming pod, 6 Preemption is not helpful for scheduling.")?.clause.type).toBe('node_capacity_exhausted');
    // cilium/cilium#42816: the node that holds the pods it wants near is at its 17-pod limit
    const r = readSchedulingMessage("0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.");
    expect(r?.clause.type).toBe('node_capacity_exhausted');
    expect(r?.mixed).toBeUndefined();
  });

  it('gRPC\'s DeadlineExceeded status is no Job deadline', () => {
    // j-cray-csm-bitnami-etcd-no-member-id (Cray-HPE/docs-csm, etcd_pods_in_CLBO_state.md): etcd-client's retry warning
    expect(matchMessage('{"level":"warn","ts":"2025-07-29T16:14:11.115080Z","logger":"etcd-client","caller":"v3@v3.5.21/retry_interceptor.go:63","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0001ee000/cray-bss-bitnami-etcd-0.cray-bss-bitnami-etcd-headless.services.svc.cluster.local:2379","attempt":29,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}')?.type).not.toBe('job_failed');
  });

  it('a node whose pod network is not ready names its CNI', () => {
    // i-ansible-k8s-6 (jonlangemak/ansible_kubernetes#6): the Ready condition row of a describe node, its start cut by the author
    const m = matchMessage('Jul 2017 09:06:21 -0700         KubeletNotReady                 runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized');
    expect(m).toMatchObject({ type: 'node_not_ready', rule: 'cni-not-ready' });
    expect(m!.cause).toContain('cni config uninitialized');
  });
});

describe('every reason the scheduler prints, from the upstream source', () => {
  // The reasons are the filter plugins' ErrReason constants (kubernetes/kubernetes
  // pkg/scheduler/framework/plugins/*) and, before 1.17, the predicates' failure errors
  // (pkg/scheduler/algorithm/predicates/error.go); the envelope is FitError.Error():
  // "0/%v nodes are available: <count> <reason>, …".
  const UPSTREAM: readonly [string, string][] = [
    ["node(s) didn't have free ports for the requested pod ports", 'unschedulable_insufficient_resources'],
    ["node(s) didn't match the requested node name", 'unschedulable_node_selector'],
    ["node(s) didn't match the requested hostname", 'unschedulable_node_selector'],
    ["node(s) didn't have the requested labels", 'unschedulable_node_selector'],
    ["node(s) didn't match node selector", 'unschedulable_node_selector'],
    ["node(s) didn't match pod affinity/anti-affinity", 'unschedulable_affinity'],
    ["node(s) didn't match service affinity", 'unschedulable_affinity'],
    ["node(s) didn't satisfy existing pods anti-affinity rules", 'unschedulable_affinity'],
    ['node(s) had no available disk', 'unschedulable_pvc'],
    ['node(s) had no available volume zone', 'unschedulable_pvc'],
    ["node(s) didn't find available persistent volumes to bind", 'unschedulable_pvc'],
    ['node(s) exceed max volume count', 'node_capacity_exhausted'],
    ['node(s) had memory pressure', 'node_pressure'],
    ['node(s) had disk pressure', 'node_pressure'],
    ['node(s) had pid pressure', 'node_pressure'],
    ['node(s) were out of disk space', 'node_pressure'],
    ['node(s) were not ready', 'node_not_ready'],
    ['node(s) had unavailable network', 'node_not_ready'],
    ['node(s) had unknown conditions', 'node_not_ready'],
    ["node(s) had taints that the pod didn't tolerate", 'unschedulable_taint'],
  ];
  it.each(UPSTREAM)('"%s" is %s', (reason, type) => {
    const m = matchMessage(`FailedScheduling: 0/3 nodes are available: 3 ${reason}.`);
    expect(m?.type).toBe(type);
    expect(m!.cause).toMatch(/^3 node|^the node/);
  });

  it('the taints the node lifecycle controller sets are the node condition they stand for', () => {
    // TaintToleration's "node(s) had untolerated taint {%s: %s}" with the keys of pkg/apis/core/well_known_taints.go
    expect(matchMessage('0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.')?.type).toBe('node_not_ready');
    expect(matchMessage('0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }.')?.type).toBe('node_pressure');
    expect(matchMessage('0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/unschedulable: }.')?.cause).toContain('cordoned');
  });

  it('a scheduler that no longer names the taint is still a taint', () => {
    // k-stackit-ccm-1517-uninitialized-taint (stackitcloud/cloud-provider-stackit#1517), a describe event row
    const m = matchMessage('FailedScheduling: 0/3 nodes are available: 3 node(s) had untolerated taint(s).');
    expect(m).toMatchObject({ type: 'unschedulable_taint' });
    expect(m!.cause).toContain('taint');
  });

  it('host ports held by another pod are a node resource the pod waits for', () => {
    // k-nri-kubernetes-356-hostnetwork-port-single-node (newrelic/nri-kubernetes#356)
    const m = matchMessage("FailedScheduling: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.");
    expect(m?.type).toBe('unschedulable_insufficient_resources');
    expect(m!.cause).toContain('host ports');
  });

  it('cordoned nodes are an exclusion, not a second reason that lowers the confidence', () => {
    // kubernetes/kubernetes#107194
    expect(readSchedulingMessage('0/5 nodes are available: 2 node(s) were unschedulable, 3 Insufficient pods.')?.mixed).toBeUndefined();
  });
});

describe('evictions for the pod\'s own ephemeral storage', () => {
  // The kubelet's templates, kubernetes/kubernetes pkg/kubelet/eviction/helpers.go:
  // containerEphemeralStorageMessageFmt, podEphemeralStorageMessageFmt, emptyDirMessageFmt
  it('names the container, the volume and the limit each template carries', () => {
    expect(matchMessage('Evicted: Container nginx exceeded its local ephemeral storage limit "500Mi". ')).toMatchObject({ type: 'evicted', cause: 'container nginx exceeded its ephemeral-storage limit of 500Mi' });
    expect(matchMessage('Evicted: Pod ephemeral local storage usage exceeds the total limit of containers 10Gi. ')?.cause).toContain('10Gi');
    expect(matchMessage('Evicted: Usage of EmptyDir volume "data" exceeds the limit "10Mi". ')).toMatchObject({ type: 'evicted', cause: 'its emptyDir volume data exceeded its size limit of 10Mi' });
  });
});
