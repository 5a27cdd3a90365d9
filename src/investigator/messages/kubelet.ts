import type { Rule } from './rule.js';

/**
 * What the kubelet and the node's runtime and network plugins say about a pod already placed on
 * a node, in the wordings that catalogue.ts did not read. Each rule cites where its sentence is written.
 */
export const KUBELET_RULES: readonly Rule[] = [
  // pkg/kubelet/lifecycle/predicate.go (1.6 → 1.32): the kubelet re-checks a pod against the node's
  // allocatable before it runs it and rejects it with reason `OutOf<resource>` and InsufficientResourceError's
  // "Node didn't have enough resource: cpu, requested: 500, used: 1900, capacity: 2000" (before 1.9
  // prefixed "Pod "). The scheduler's check was skipped (spec.nodeName, static or DaemonSet pods) or
  // out of date (a kubelet restart, device plugins): the node itself is full.
  { id: 'kubelet-out-of-resource', type: 'node_capacity_exhausted', confidence: 0.88,
    re: /Node didn't have enough resource: ([\w./-]+), requested: (\d+), used: (\d+), capacity: (\d+)/,
    cause: (m) => `the kubelet rejected the pod: its node's allocatable ${m[1]} is used up (requested ${m[2]}, used ${m[3]}, capacity ${m[4]}); pods bound straight to a node (spec.nodeName, static and DaemonSet pods) skip the scheduler's check` },
  { id: 'kubelet-out-of-reason', type: 'node_capacity_exhausted', confidence: 0.75,
    re: /\bOutOf(cpu|memory|pods|ephemeral-storage|[a-z][\w.-]*\/[\w.-]+)\b/,
    cause: (m) => `the kubelet rejected the pod (OutOf${m[1]}): its node has no ${m[1]} left for it` },
  // pkg/kubelet/cm/devicemanager/manager.go: a device plugin resource (GPU, SR-IOV VF) the node has run out of.
  { id: 'kubelet-devices-unavailable', type: 'node_capacity_exhausted', confidence: 0.85,
    re: /requested number of devices unavailable for ([\w./-]+)\. Requested: (\d+), Available: (\d+)/,
    cause: (m) => `the node has no ${m[1]} device left for the pod (requested ${m[2]}, available ${m[3]})` },

  // Pod IP exhaustion on the node: the sandbox gets no address, so no container of the pod starts.
  // containernetworking/plugins host-local (allocator.go): "failed to allocate for range 0: no IP addresses
  // available in range set: 10.244.1.1-10.244.1.254"; docker before CNI (daemon/networkdriver/ipallocator):
  // "no available ip addresses on network", libnetwork ipamapi: "No available addresses on this pool" (also
  // Azure CNI); aws/amazon-vpc-cni-k8s (cni.go, ipamd): "failed to assign an IP address to container",
  // "no available IP/Prefix addresses"; projectcalico/calico cni-plugin (k8s.go): "failed to request 1 IPv4
  // addresses. IPAM allocated only 0"; cilium ipam: "range is full".
  { id: 'pod-ip-exhausted', type: 'node_capacity_exhausted', confidence: 0.88,
    re: /no IP addresses available in range set:?\s*([\w.:/-]*)|no available ip addresses on network|No available addresses(?: on this pool)?|failed to assign an IP address to container|no available IP\/Prefix addresses|failed to request \d+ IPv[46] addresses\. IPAM allocated only 0|postIpamFailure\s+range is full/i,
    cause: (m) => `the node has no pod IP address left to give (${m[1] ? `no IP addresses available in range set ${m[1]}` : m[0]}): its pod CIDR or IP pool is exhausted, so the pod's sandbox gets no network; leaked allocations of deleted pods, a pod CIDR smaller than max-pods, or the subnet/ENI limits of the node are the usual reasons` },

  // kubectl port-forward reached the pod and nothing listens there on the forwarded port: containerd
  // (pkg/cri/server/sandbox_portforward_linux.go) "failed to connect to localhost:9090 inside namespace …",
  // the socat of dockershim "E connect(5, AF=2 127.0.0.1:9090, 16): Connection refused"; kubectl prints
  // "an error occurred forwarding 30001 -> 9090". A forward to a Service goes to its targetPort.
  { id: 'port-forward-refused', type: 'service_no_endpoints', confidence: 0.72,
    re: /error forwarding port (\d+) to pod[^\n]*?(?:failed to connect to localhost:\d+ inside namespace|connect\([^)]*\): Connection refused|connection refused)/,
    cause: (m) => `nothing in the pod listens on port ${m[1]}, the port the forward leads to (a Service's targetPort, or the container port asked for): the port does not match the one the application listens on (connection refused)`,
    facts: (m) => ({ port: Number(m[1]) }) },

  // pkg/kubelet/kuberuntime/security_context_others.go (1.10+): the kubelet's runAsNonRoot check on an
  // explicit runAsUser: 0, and its Windows counterpart (security_context_windows.go).
  { id: 'run-as-user-root', type: 'security_context_rejected', confidence: 0.93,
    re: /container's runAsUser breaks non-root policy|container's runAsUserName \(([^)]+)\) which will be regarded as root identity and will break non-root policy/,
    cause: (m) => (m[1] ? `runAsNonRoot is set but runAsUserName ${m[1]} is the root identity` : 'runAsNonRoot is set but the container\'s runAsUser is 0 (root)') },
  // The node cannot apply the security profile the pod asks for (kubelet AppArmor validation; the runtime loading a seccomp profile).
  { id: 'security-profile-missing', type: 'security_context_rejected', confidence: 0.85,
    re: /Cannot enforce AppArmor: (?:profile "([^"]+)" is not loaded|[^\n]{0,120})|cannot load seccomp profile "([^"]+)"|seccomp profile "?([^"\s]+)"? (?:not found|does not exist)/,
    cause: (m) => `the node cannot apply the security profile the pod asks for (${m[1] ? `AppArmor profile ${m[1]} is not loaded` : m[2] ?? m[3] ? `seccomp profile ${m[2] ?? m[3]} is missing` : m[0]})` },

  // An exec probe (pkg/probe/exec) whose command the image does not have: the runtime's exec error
  // (runc "exec: \"curl\": executable file not found in $PATH") is the probe's output. The probe is wrong, not
  // the container's command, which is running.
  { id: 'probe-command-missing', type: 'probe_failure', confidence: 0.88,
    re: /(Liveness|Readiness|Startup) probe (?:failed|errored):[^\n]*?exec: "([^"]+)": executable file not found in \$PATH/,
    cause: (m) => `its ${m[1]!.toLowerCase()} probe runs ${m[2]}, which the image does not have (executable file not found in $PATH): the probe command is wrong for this image`, facts: (m) => ({ file: m[2]! }) },

  // pkg/kubelet/kubelet_pods.go validateContainerLogStatus: what `kubectl logs` answers for a container
  // that never started; ErrImagePull / ImagePullBackOff have sentences of their own there.
  { id: 'logs-waiting-image', type: 'image_pull_error', confidence: 0.8,
    re: /container "([^"]+)" in pod "([^"]+)" is waiting to start: (trying and failing to pull image|image can't be pulled)/,
    cause: (m) => `container ${m[1]} never started: its image cannot be pulled (${m[3]})`, names: (m) => ({ kind: 'Pod', name: m[2]! }) },
  // docker's own pull, run on the node to check: the v1 registry protocol's "Error: Status 403 trying to
  // pull repository x: …" (docker/docker registry/session.go) and the daemon's "Error response from daemon: …".
  { id: 'docker-pull-status', type: 'image_pull_error', confidence: 0.86,
    re: /Error: Status (\d{3}) trying to pull repository ([^:]+?):\s*"?([^\n"]*)/,
    cause: (m) => `pulling repository ${m[2]!.trim()} answers HTTP status ${m[1]}${m[1] === '403' || m[1] === '401' ? ': the nodes are not allowed to read that registry repository (its project or credentials)' : ''}${m[3] ? ` (${m[3].slice(0, 160)})` : ''}` },
];
