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

describe('cluster-side sentences across versions, from where they are written', () => {
  it('an admission webhook the API server cannot call: the transport error says where the call broke', () => {
    // staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors + webhookutil (1.18+: "failed to call webhook: %w")
    const timeout = matchMessage('Error creating: Internal error occurred: failed calling webhook "sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": context deadline exceeded');
    expect(timeout).toMatchObject({ type: 'network_policy_blocked', rule: 'webhook-call-timeout', facts: { service: 'istiod' } });
    expect(timeout!.cause).toContain('sidecar-injector.istio.io');
    expect(timeout!.confidence).toBeLessThan(0.7);
    // 1.14-1.17: the URL unquoted, no "failed to call webhook:"
    expect(matchMessage('Internal error occurred: failed calling webhook "webhook.cert-manager.io": Post https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=30s: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)')?.type).toBe('network_policy_blocked');
    // 1.9: "failed calling admission webhook"
    expect(matchMessage('Internal error occurred: failed calling admission webhook "validate.example.com": Post https://validator.example.svc:443/validate: dial tcp 10.96.12.7:443: i/o timeout')?.type).toBe('network_policy_blocked');
    expect(matchMessage('Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": Post "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/v1/ingresses?timeout=10s": no endpoints available for service "ingress-nginx-controller-admission"'))
      .toMatchObject({ type: 'service_no_endpoints', rule: 'webhook-call-no-endpoints' });
    expect(matchMessage('failed calling webhook "mpod.kb.io": failed to call webhook: Post "https://webhook-service.system.svc:443/mutate-v1-pod?timeout=10s": service "webhook-service" not found')?.type).toBe('service_no_endpoints');
    expect(matchMessage('Internal error occurred: failed calling webhook "vingress.elbv2.k8s.aws": failed to call webhook: Post "https://aws-load-balancer-webhook-service.kube-system.svc:443/validate-networking-v1-ingress?timeout=10s": dial tcp 10.100.45.2:443: connect: connection refused')?.type).toBe('service_no_endpoints');
    expect(matchMessage('Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s": x509: certificate signed by unknown authority')?.type).toBe('tls_certificate_error');
    // a webhook that answered and said no is a different sentence, and stays an admission refusal
    expect(matchMessage('admission webhook "validation.gatekeeper.sh" denied the request: [owner-label] you must provide labels: {"owner"}')?.type).toBe('admission_rejected');
  });

  it('a node out of pod IP addresses is node capacity, whichever IPAM says it', () => {
    // containernetworking/plugins plugins/ipam/host-local/backend/allocator (flannel, bridge, kubenet)
    expect(matchMessage('FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "5b2d" network for pod "web-0": networkPlugin cni failed to set up pod "web-0_default" network: failed to allocate for range 0: no IP addresses available in range set: 10.244.3.1-10.244.3.254'))
      .toMatchObject({ type: 'node_capacity_exhausted', rule: 'pod-ip-exhausted' });
    // docker before CNI (daemon/networkdriver/ipallocator) and libnetwork's ipamapi.ErrNoAvailableIPs
    expect(matchMessage('Error syncing pod, skipping: API error (500): Cannot start container 26a6: no available ip addresses on network')?.type).toBe('node_capacity_exhausted');
    expect(matchMessage('Failed to allocate address: Failed to delegate: Failed to allocate address: No available addresses')?.type).toBe('node_capacity_exhausted');
    // aws/amazon-vpc-cni-k8s cmd/routed-eni-cni-plugin: the CNI's answer when ipamd has no address
    expect(matchMessage('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "0c1f": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container')?.type).toBe('node_capacity_exhausted');
    // projectcalico/calico cni-plugin k8s.go
    expect(matchMessage('plugin type="calico" failed (add): failed to request 1 IPv4 addresses. IPAM allocated only 0.')?.type).toBe('node_capacity_exhausted');
  });

  it('the kubelet rejecting a pod at admission (OutOf…) is a full node; the message names the resource', () => {
    // pkg/kubelet/lifecycle/predicate.go InsufficientResourceError (1.9+; "Pod " prefixed before)
    const m = matchMessage("OutOfcpu: Pod Node didn't have enough resource: cpu, requested: 2000, used: 1500, capacity: 2000");
    expect(m).toMatchObject({ type: 'node_capacity_exhausted', rule: 'kubelet-out-of-resource' });
    expect(m!.cause).toContain('requested 2000, used 1500, capacity 2000');
    expect(matchMessage('OutOfpods')?.type).toBe('node_capacity_exhausted');
    // pkg/kubelet/cm/devicemanager: a device plugin resource used up
    expect(matchMessage('UnexpectedAdmissionError: Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected')?.type).toBe('node_capacity_exhausted');
    // an application's own out-of-memory error is not the kubelet's OutOfmemory
    expect(matchMessage('java.lang.OutOfMemoryError: Java heap space')?.type).not.toBe('node_capacity_exhausted');
  });

  it('volume wordings of every era read alike', () => {
    // pkg/volume/csi: the node has no CSI node plugin of that name
    expect(matchMessage('MountVolume.MountDevice failed for volume "pvc-8b2c" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers'))
      .toMatchObject({ type: 'volume_mount_failure', rule: 'csi-driver-missing' });
    // before 1.9 the operation executor named the volume by plugin path and the pod by UID, ending "with:"
    expect(matchMessage('MountVolume.SetUp failed for volume "kubernetes.io/secret/7d4e-default-token-abcde" (spec.Name: "default-token-abcde") pod "7d4e" (UID: "7d4e") with: secrets "default-token-abcde" not found'))
      .toMatchObject({ type: 'volume_mount_failure', rule: 'mount-secret-missing', facts: { secret: 'default-token-abcde' } });
    expect(matchMessage('Failed to attach volume "pvc-1a2b" on node "ip-10-0-1-5" with: Error attaching EBS volume "vol-0abc" to instance "i-0def": VolumeInUse')?.rule).toBe('attach-failed');
  });

  it('eviction, node loss and OOM in their older and newer words', () => {
    // pkg/kubelet/eviction (1.5-1.7 printed the signal in brackets)
    expect(matchMessage('Evicted: The node was low on resource: [DiskPressure].')).toMatchObject({ type: 'evicted', cause: 'the node was low on DiskPressure' });
    expect(matchMessage('The node had condition: [DiskPressure, MemoryPressure].')).toMatchObject({ type: 'evicted', facts: { pressure: 'DiskPressure' } });
    // pkg/util/node (before 1.9): the node controller marking pods of an unresponsive node
    expect(matchMessage('NodeLost: Node ip-10-0-3-7.ec2.internal which was running pod api-1 is unresponsive')?.type).toBe('node_not_ready');
    expect(matchMessage('container runtime not ready: RuntimeReady=false reason:DockerDaemonNotReady message:docker: failed to get docker version: Cannot connect to the Docker daemon')?.type).toBe('node_not_ready');
    // the kernel (mm/oom_kill.c) and the kubelet's SystemOOM (1.22+)
    expect(matchMessage('Out of memory: Killed process 4012 (postgres) total-vm:2120856kB, anon-rss:1900212kB')?.cause).toContain('postgres');
    expect(matchMessage('SystemOOM: System OOM encountered, victim process: java, pid: 23415')?.cause).toContain('java');
    expect(matchMessage('[ 8123.4] nginx invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=998')).toMatchObject({ type: 'oom_killed' });
  });

  it('quota and LimitRange refusals, capitalised before 1.6 and the ratio rule', () => {
    // plugin/pkg/admission/resourcequota (1.2-1.5: "Exceeded quota", "Failed quota")
    expect(matchMessage('Error creating: pods "web-1" is forbidden: Exceeded quota: compute-quota, requested: cpu=500m, used: cpu=2, limited: cpu=2')).toMatchObject({ type: 'resource_quota_exceeded', facts: { quota: 'compute-quota' } });
    expect(matchMessage('Error creating: pods "web-" is forbidden: Failed quota: compute-quota: must specify limits.cpu,limits.memory')?.type).toBe('resource_quota_exceeded');
    // plugin/pkg/admission/limitranger: ratio, and a minimum with no request set
    expect(matchMessage('pods "api-5d4f7-x2x9k" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000')?.rule).toBe('limit-range-ratio');
    expect(matchMessage('pods "api-1" is forbidden: minimum memory usage per Container is 64Mi.  No request is specified.')?.cause).toContain('sets no request');
  });

  it('security-context refusals: by the kubelet and the node is security_context_rejected, by an admission policy admission_rejected', () => {
    // pkg/kubelet/kuberuntime/security_context_others.go (1.10+)
    expect(matchMessage('Error: container\'s runAsUser breaks non-root policy (pod: "api-1_default(2f1e)", container: api)')?.type).toBe('security_context_rejected');
    // the runtime cannot load the seccomp profile the pod names
    expect(matchMessage('Error: failed to create containerd container: cannot load seccomp profile "/var/lib/kubelet/seccomp/profiles/audit.json": open /var/lib/kubelet/seccomp/profiles/audit.json: no such file or directory')?.type).toBe('security_context_rejected');
    // OpenShift SecurityContextConstraints admission, the PodSecurityPolicy of OpenShift
    expect(matchMessage('Error creating: pods "web-5d9f7-" is forbidden: unable to validate against any security context constraint: [spec.containers[0].securityContext.runAsUser: Invalid value: 0: must be in the ranges: [1000680000, 1000689999]]'))
      .toMatchObject({ type: 'admission_rejected', rule: 'scc', names: { kind: 'ReplicaSet', name: 'web-5d9f7' } });
  });

  it('kubectl port-forward refused inside the pod is a port nothing listens on', () => {
    // containerd pkg/cri/server/sandbox_portforward_linux.go, printed by kubectl's portforward.go
    const m = matchMessage('E0625 13:52:21.097232   41027 portforward.go:409] an error occurred forwarding 30001 -> 9090: error forwarding port 9090 to pod 3f1c, uid : failed to execute portforward in network namespace "/var/run/netns/cni-1": failed to connect to localhost:9090 inside namespace "3f1c", IPv4: dial tcp4 127.0.0.1:9090: connect: connection refused IPv6 dial tcp6 [::1]:9090: connect: connection refused');
    expect(m).toMatchObject({ type: 'service_no_endpoints', facts: { port: 9090 } });
    // dockershim's socat
    expect(matchMessage('error forwarding port 8080 to pod 9d1e, uid : exit status 1: 2018/03/02 10:11:12 socat[1234] E connect(5, AF=2 127.0.0.1:8080, 16): Connection refused')?.rule).toBe('port-forward-refused');
  });

  it('an entrypoint the runtime may not execute is a command that cannot run, named, in each wording runc has printed it', () => {
    // libcontainer/standard_init_linux.go through containerd (1.6+), through dockerd (runc 1.0-rc), and runc init's own output
    for (const line of [
      'Failed: Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": permission denied: unknown',
      'Error: failed to start container "app": Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused "exec: \\"/app/start.sh\\": permission denied": unknown',
      'exec /app/start.sh: permission denied',
    ]) expect(matchMessage(line), line).toMatchObject({ type: 'bad_command', rule: 'exec-permission', facts: { file: '/app/start.sh' } });
  });

  it('an exec probe whose command the image lacks is a wrong probe, not a wrong container command', () => {
    // pkg/probe/exec, with runc's exec error as the probe output
    expect(matchMessage('Unhealthy: Liveness probe failed: OCI runtime exec failed: exec failed: container_linux.go:380: starting container process caused: exec: "curl": executable file not found in $PATH: unknown'))
      .toMatchObject({ type: 'probe_failure', rule: 'probe-command-missing', facts: { file: 'curl' } });
    // the container's own command missing stays a bad command
    expect(matchMessage('Error: failed to start container "api": Error response from daemon: OCI runtime create failed: container_linux.go:349: starting container process caused "exec: \\"/app/server\\": stat /app/server: no such file or directory": unknown')?.type).toBe('bad_command');
  });

  it('what kubectl logs and docker pull answer for an image that cannot be pulled', () => {
    // pkg/kubelet/kubelet_pods.go validateContainerLogStatus
    expect(matchMessage('Error from server (BadRequest): container "upload" in pod "upload-7f9c" is waiting to start: trying and failing to pull image'))
      .toMatchObject({ type: 'image_pull_error', names: { kind: 'Pod', name: 'upload-7f9c' } });
    // docker's v1 registry session
    expect(matchMessage('Error: Status 403 trying to pull repository gcr.io/other-project/app: "Unable to access the repository: gcr.io/other-project/app; please verify that it exists and you have permission to access it."')?.cause).toContain('403');
  });
});
