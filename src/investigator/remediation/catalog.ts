import type { Remediation, RootCauseType } from '../../domain/diagnosis.js';
import { kindOf } from '../cluster/kinds.js';

/**
 * Remediation per root-cause type, with the real names filled in. Verification commands are
 * read-only kubectl; commands that change the cluster are listed in `writes` as well, so an
 * agent can ask for confirmation before running any of them.
 */
export interface RemediationFacts {
  namespace?: string | undefined;
  /** The top-level workload, e.g. `deployment/auth-service`. */
  workload?: string;
  pod?: string;
  container?: string;
  image?: string;
  secret?: string;
  configMap?: string;
  key?: string;
  envVar?: string;
  /** A Kubernetes service-link value (`tcp://10.43.0.1:8000`) read as the program's own setting. */
  serviceLink?: string;
  file?: string;
  service?: string;
  host?: string;
  port?: number;
  /** The workload behind a service that has no endpoints (e.g. `deployment/postgres`). */
  backend?: string;
  node?: string;
  taint?: string;
  pvc?: string;
  storageClass?: string;
  quota?: string;
  hpa?: string;
  ingress?: string;
  job?: string;
  serviceAccount?: string;
  verb?: string;
  resource?: string;
  memoryLimit?: string;
  cpuLimit?: string;
  /** The node condition under pressure: memory, disk, PID. */
  pressure?: string;
  ingressClass?: string;
  networkPolicy?: string;
  /** The admission policy or webhook that rejected pods. */
  policy?: string;
}

type Builder = (f: RemediationFacts, k: (rest: string) => string) => Remediation;

const podOrWorkload = (f: RemediationFacts): string => f.workload ?? (f.pod ? `pod/${f.pod}` : 'the workload');
const logsCmd = (f: RemediationFacts, k: (r: string) => string, previous: boolean): string[] =>
  f.pod ? [k(`logs ${f.pod}${f.container ? ` -c ${f.container}` : ''}${previous ? ' --previous' : ''} --tail=50`)] : [];
const describePod = (f: RemediationFacts, k: (r: string) => string): string[] => (f.pod ? [k(`describe pod ${f.pod}`)] : []);
/** `deployment/api` → whether kubectl can `rollout restart|undo|status` it (deployments, statefulsets, daemonsets). */
const rolls = (workload: string | undefined): workload is string => workload !== undefined && kindOf(workload.split('/')[0] ?? '')?.rollout === true;
const restart = (f: RemediationFacts, k: (r: string) => string): string[] => (rolls(f.workload) ? [k(`rollout restart ${f.workload}`)] : []);

const BINARY: Array<[string, number]> = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
/** Twice a memory limit, in the binary unit that writes it whole (`256Mi` → `512Mi`, `1.5Gi` → `3Gi`); undefined when it is not a plain binary quantity. */
export function doubledMemory(limit: string | undefined): string | undefined {
  const m = limit ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei)$/.exec(limit) : null;
  if (!m) return undefined;
  const bytes = Number(m[1]) * 2 * BINARY.find(([u]) => u === m[2])![1];
  const [unit, size] = BINARY.find(([, v]) => bytes % v === 0) ?? ['Ki', 2 ** 10];
  return `${Math.round(bytes / size)}${unit}`;
}
/** A higher memory limit as a `kubectl set resources` write, when the workload, the container and the current limit are known. */
const moreMemory = (f: RemediationFacts, k: (r: string) => string): string[] => {
  const doubled = doubledMemory(f.memoryLimit);
  return rolls(f.workload) && f.container && doubled ? [k(`set resources ${f.workload} -c ${f.container} --limits=memory=${doubled}`)] : [];
};

const BUILDERS: Record<RootCauseType, Builder> = {
  oom_killed: (f, k) => ({
    immediate: [`Raise the memory limit of container ${f.container ?? ''} in ${podOrWorkload(f)}${f.memoryLimit ? ` (now ${f.memoryLimit})` : ''}, or lower the process's heap so it fits.`],
    verification: [...describePod(f, k), ...logsCmd(f, k, true), ...(f.pod ? [k(`top pod ${f.pod} --containers`)] : [])],
    prevention: ['Set memory requests equal to observed peak plus headroom; cap runtimes to the container limit (-XX:MaxRAMPercentage, --max-old-space-size).', 'Alert on container_memory_working_set_bytes near the limit.'],
    ...(moreMemory(f, k).length ? { writes: moreMemory(f, k) } : {}),
  }),
  crash_loop: (f, k) => ({
    immediate: [`Read the crashed container's last output and fix the failing start-up of ${podOrWorkload(f)}.`],
    verification: [...logsCmd(f, k, true), ...describePod(f, k)],
    prevention: ['Log the reason before exiting with a non-zero code; add a startup probe for slow starters.'],
  }),
  missing_configuration: (f, k) => f.serviceLink ? {
    immediate: [`Set enableServiceLinks: false in the pod template of ${podOrWorkload(f)}, so Kubernetes stops injecting ${f.envVar ?? '<SERVICE>_PORT'}=${f.serviceLink} for the Service of that name; or rename the Service or the program's setting.`],
    verification: [k('get svc'), ...logsCmd(f, k, true)],
    prevention: ['Leave enableServiceLinks off for workloads that read <NAME>_PORT-style settings; services are found by DNS, not these variables.'],
  } : ({
    immediate: [f.envVar ? `Define environment variable ${f.envVar} for ${podOrWorkload(f)} (env or envFrom a ConfigMap/Secret).` : f.file ? `Provide ${f.file} (mount the ConfigMap/Secret that holds it) in ${podOrWorkload(f)}.` : `Provide the missing configuration for ${podOrWorkload(f)}.`],
    verification: [...(f.workload && !f.workload.startsWith('pod/') ? [k(`get ${f.workload} -o jsonpath='{.spec.template.spec.containers[*].env}'`)] : []), ...logsCmd(f, k, true)],
    prevention: ['Validate required configuration at start-up with one clear message; keep config in versioned manifests.'],
  }),
  dependency_unreachable: (f, k) => ({
    immediate: [`Bring ${f.host ?? 'the dependency'}${f.port ? `:${f.port}` : ''} back, or point ${podOrWorkload(f)} at a reachable address.`],
    verification: [...(f.service ? [k(`get endpoints ${f.service}`), k(`get svc ${f.service}`)] : []), ...logsCmd(f, k, true)],
    prevention: ['Retry connections with backoff instead of exiting; use readiness gates or init checks for hard dependencies.'],
  }),
  dns_resolution_failure: (f, k) => ({
    immediate: [`Fix the host name ${f.host ?? ''} used by ${podOrWorkload(f)} (service name, namespace suffix) or create the missing Service.`],
    verification: [k('get svc'), ...logsCmd(f, k, false), 'kubectl -n kube-system get pods -l k8s-app=kube-dns'],
    prevention: ['Use fully qualified service names (svc.namespace.svc.cluster.local) in configuration.'],
  }),
  tls_certificate_error: (f, k) => ({
    immediate: [f.secret ? `Create or renew the TLS secret ${f.secret}.` : `Renew the expired certificate or add the issuing CA to ${podOrWorkload(f)}'s trust store.`],
    verification: [...(f.secret ? [k(`get secret ${f.secret}`)] : []), ...(f.ingress ? [k(`describe ingress ${f.ingress}`)] : []), ...logsCmd(f, k, false)],
    prevention: ['Automate certificate renewal (cert-manager) and alert 14 days before expiry.'],
  }),
  permission_denied: (f, k) => ({
    immediate: [`Give the container user access to ${f.file ?? 'the path'} (securityContext.fsGroup / runAsUser, or fix the volume's ownership).`],
    verification: [...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.securityContext}'`)] : []), ...logsCmd(f, k, true)],
    prevention: ['Set fsGroup for writable volumes; build images that run as a non-root user owning their data paths.'],
  }),
  rbac_forbidden: (f, k) => {
    const sa = f.serviceAccount ?? 'default';
    return {
      immediate: [`Grant service account ${sa} the verb "${f.verb ?? '?'}" on "${f.resource ?? '?'}" with a Role and RoleBinding.`],
      verification: [`kubectl auth can-i ${f.verb ?? 'list'} ${f.resource ?? 'pods'} --as=system:serviceaccount:${f.namespace ?? 'default'}:${sa}${f.namespace ? ` -n ${f.namespace}` : ''}`, k('get rolebindings -o wide')],
      prevention: ['Ship the Role/RoleBinding with the workload manifests; test permissions in CI with kubectl auth can-i.'],
    };
  },
  application_error: (f, k) => ({
    immediate: [`Fix the exception in ${podOrWorkload(f)}, or roll back to the last good version.`],
    verification: [...logsCmd(f, k, true), ...(rolls(f.workload) ? [k(`rollout history ${f.workload}`)] : [])],
    prevention: ['Catch and log start-up errors with context; canary new versions before a full rollout.'],
    ...(rolls(f.workload) ? { writes: [k(`rollout undo ${f.workload}`)] } : {}),
  }),
  bad_command: (f, k) => ({
    immediate: [`Fix the command/args of container ${f.container ?? ''} in ${podOrWorkload(f)}: the executable does not exist in image ${f.image ?? ''}.`],
    verification: [...describePod(f, k), ...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.containers[*].command}'`)] : [])],
    prevention: ['Use absolute paths that exist in the image; smoke-test the image entrypoint in CI.'],
  }),
  image_pull_error: (f, k) => ({
    immediate: [`Fix the image reference of container ${f.container ?? ''} in ${podOrWorkload(f)}: ${f.image ?? 'the image'} cannot be pulled — check that the tag exists in that repository, the registry and repository names, and imagePullSecrets for a private registry.`],
    verification: [...describePod(f, k), ...(f.workload ? [k(`get ${f.workload} -o jsonpath='{.spec.template.spec.containers[*].image}'`)] : [])],
    prevention: ['Deploy immutable tags or digests produced by CI; configure imagePullSecrets for private registries.'],
    // The previous revision's image pulled: going back is the one write Syntra can propose by
    // itself. A corrected tag is the person's to give (`syntra actions propose set_image …`).
    ...(f.workload?.startsWith('deployment/') ? { writes: [k(`rollout undo ${f.workload}`)] } : {}),
  }),
  container_config_error: (f, k) => ({
    immediate: [f.secret ? `Create secret ${f.secret}${f.key ? ` with key ${f.key}` : ''} in namespace ${f.namespace ?? ''}, or fix the reference in ${podOrWorkload(f)}.` : f.configMap ? `Create configmap ${f.configMap}${f.key ? ` with key ${f.key}` : ''}, or fix the reference in ${podOrWorkload(f)}.` : `Fix the container configuration of ${podOrWorkload(f)}.`],
    verification: [...(f.secret ? [k(`get secret ${f.secret}`)] : []), ...(f.configMap ? [k(`get configmap ${f.configMap}`)] : []), ...describePod(f, k)],
    prevention: ['Deploy secrets and configmaps before the workloads that use them (same release), or mark optional references optional.'],
  }),
  volume_mount_failure: (f, k) => ({
    immediate: [`Make the volume source exist and be attachable${f.secret ? `: secret ${f.secret}` : f.configMap ? `: configmap ${f.configMap}` : f.pvc ? `: pvc ${f.pvc}` : ''}.`],
    verification: [...describePod(f, k), ...(f.pvc ? [k(`get pvc ${f.pvc}`)] : []), ...(f.secret ? [k(`get secret ${f.secret}`)] : [])],
    prevention: ['Use ReadWriteOnce volumes with one replica (or RWX storage); create volume sources with the workload.'],
  }),
  probe_failure: (f, k) => ({
    immediate: [`Fix the health endpoint of ${podOrWorkload(f)} or relax the probe (initialDelaySeconds, timeoutSeconds, failureThreshold) if the app is just slow.`],
    verification: [...describePod(f, k), ...logsCmd(f, k, true)],
    prevention: ['Give slow starters a startupProbe; keep liveness checks independent of downstream dependencies.'],
  }),
  unschedulable_insufficient_resources: (f, k) => ({
    immediate: [`Lower the resource requests of ${podOrWorkload(f)}, free capacity, or add nodes (cluster autoscaler).`],
    verification: [k(`describe pod ${f.pod ?? ''}`), 'kubectl describe nodes | grep -A 8 "Allocated resources"'],
    prevention: ['Size requests from observed usage; enable the cluster autoscaler with headroom.'],
  }),
  unschedulable_node_selector: (f, k) => ({
    immediate: [`Fix the nodeSelector of ${podOrWorkload(f)} or label a node to match it.`],
    verification: [...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.nodeSelector}'`)] : []), 'kubectl get nodes --show-labels'],
    prevention: ['Keep node labels and selectors in the same configuration source.'],
  }),
  unschedulable_taint: (f, k) => ({
    immediate: [`Add a toleration for taint ${f.taint ?? ''} to ${podOrWorkload(f)}, or schedule it onto untainted nodes.`],
    verification: ["kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints", ...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.tolerations}'`)] : [])],
    prevention: ['Document dedicated-node taints and ship matching tolerations with the workloads meant for them.'],
  }),
  unschedulable_affinity: (f, k) => ({
    immediate: [`Relax the (anti-)affinity rules of ${podOrWorkload(f)} (preferred instead of required) or add matching nodes.`],
    verification: [...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.affinity}'`)] : []), 'kubectl get nodes --show-labels'],
    prevention: ['Prefer preferredDuringScheduling rules; check anti-affinity against the replica count and node count.'],
  }),
  unschedulable_pvc: (f, k) => ({
    immediate: [`Get PVC ${f.pvc ?? ''} bound (fix its storage class or provisioner) so the pod can be scheduled.`],
    verification: [k(`get pvc ${f.pvc ?? ''}`), k(`describe pvc ${f.pvc ?? ''}`)],
    prevention: ['Use a default StorageClass with a working provisioner; watch for Pending PVCs.'],
  }),
  pvc_provisioning_failure: (f, k) => ({
    immediate: [f.storageClass ? `Create StorageClass ${f.storageClass} or change PVC ${f.pvc ?? ''} to an existing class (PVC spec is immutable: recreate it).` : `Fix provisioning of PVC ${f.pvc ?? ''}: set a storage class or mark one as default.`],
    verification: [k(`describe pvc ${f.pvc ?? ''}`), 'kubectl get storageclass'],
    prevention: ['Keep exactly one default StorageClass; validate storageClassName in CI.'],
  }),
  resource_quota_exceeded: (f, k) => ({
    immediate: [`Raise ResourceQuota ${f.quota ?? ''} or lower the requests of ${podOrWorkload(f)}; remove unused workloads in ${f.namespace ?? 'the namespace'}.`],
    verification: [k(`describe resourcequota ${f.quota ?? ''}`.trim()), ...(f.workload ? [k(`describe ${f.workload}`)] : [])],
    prevention: ['Alert when quota usage passes 80%; size requests from observed usage.'],
  }),
  init_container_failure: (f, k) => ({
    immediate: [`Fix init container ${f.container ?? ''} of ${podOrWorkload(f)}: the main containers wait until it succeeds.`],
    verification: [...logsCmd(f, k, false), ...describePod(f, k)],
    prevention: ['Keep init containers idempotent with bounded retries and a clear error on failure.'],
  }),
  evicted: (f, k) => ({
    immediate: [`Delete evicted pods of ${podOrWorkload(f)} and relieve pressure on node ${f.node ?? ''}; set memory requests near real usage.`],
    verification: [k('get pods --field-selector=status.phase=Failed'), ...(f.node ? [`kubectl describe node ${f.node}`] : [])],
    prevention: ['Set requests = actual usage so pods are not the first to be evicted; monitor node pressure.'],
    writes: [k('delete pods --field-selector=status.phase=Failed')],
  }),
  // Pods stuck Terminating point at a node the evidence does not name: find it first.
  node_not_ready: (f, k) => !f.node ? {
    immediate: ['Find the node these pods run on and check it (kubelet, container runtime, network); pods stuck Terminating on a node that is gone are released by deleting them with --grace-period=0 --force once the node is confirmed down.'],
    verification: ['kubectl get nodes', f.pod ? k(`get pod ${f.pod} -o wide`) : k('get pods -o wide')],
    prevention: ['Run replicas across nodes with PodDisruptionBudgets; alert on node NotReady and pressure conditions.'],
  } : ({
    immediate: [`Check node ${f.node} (kubelet, container runtime, network, disk); cordon and drain it if it does not recover.`],
    verification: [`kubectl describe node ${f.node}`, `kubectl get pods -A --field-selector spec.nodeName=${f.node} -o wide`],
    prevention: ['Run replicas across nodes with PodDisruptionBudgets; alert on node NotReady and pressure conditions.'],
    writes: [`kubectl cordon ${f.node}`, `kubectl drain ${f.node} --ignore-daemonsets --delete-emptydir-data`],
  }),
  service_no_endpoints: (f, k) => ({
    immediate: [f.backend ? `Bring ${f.backend} back (it has no ready pods behind service ${f.service ?? ''}).` : `Make pods matching the selector of service ${f.service ?? ''} run and become ready, or fix the selector.`],
    verification: [k(`get endpoints ${f.service ?? ''}`), k(`get svc ${f.service ?? ''} -o wide`), ...(f.backend ? [k(`get ${f.backend}`)] : [])],
    prevention: ['Alert on services with zero ready endpoints; protect stateful backends with PodDisruptionBudgets and change review on replica counts.'],
    ...(f.backend?.startsWith('deployment/') || f.backend?.startsWith('statefulset/') ? { writes: [k(`scale ${f.backend} --replicas=1`)] } : {}),
  }),
  job_failed: (f, k) => ({
    immediate: [`Fix the failing step of job ${f.job ?? ''} (see its pod logs), then re-run it.`],
    verification: [k(`describe job ${f.job ?? ''}`), k(`logs job/${f.job ?? ''} --tail=50`)],
    prevention: ['Make jobs idempotent and set backoffLimit/activeDeadlineSeconds deliberately; alert on failed jobs.'],
  }),
  rollout_stuck: (f, k) => ({
    immediate: [`Find why new pods of ${podOrWorkload(f)} do not become available; roll back if the new revision is broken.`],
    verification: [...(rolls(f.workload) ? [k(`rollout status ${f.workload} --timeout=10s`)] : []), ...(f.workload ? [k(`describe ${f.workload}`)] : [])],
    prevention: ['Set progressDeadlineSeconds and let CD roll back failed rollouts automatically.'],
    ...(rolls(f.workload) ? { writes: [k(`rollout undo ${f.workload}`)] } : {}),
  }),
  hpa_not_scaling: (f, k) => ({
    immediate: [`Fix the metrics source or limits of HPA ${f.hpa ?? ''} (metrics-server running, container resource requests set, maxReplicas high enough).`],
    verification: [k(`describe hpa ${f.hpa ?? ''}`), 'kubectl get apiservice v1beta1.metrics.k8s.io', k('top pods')],
    prevention: ['Set CPU/memory requests on every container an HPA scales; alert on ScalingActive=False.'],
  }),
  no_issue_found: (f, k) => ({
    immediate: ['Nothing to fix in the collected evidence.'],
    verification: f.workload ? [k(`get ${f.workload} -o wide`), k(`get events --field-selector involvedObject.name=${f.workload.split('/')[1] ?? ''}`)] : [],
    prevention: [],
  }),
  dependency_slow: (f, k) => ({
    immediate: [`Find why ${f.host ?? 'the dependency'}${f.port ? `:${f.port}` : ''} answers slowly for ${podOrWorkload(f)} (its load, slow queries, locks, its own resources) and relieve it; raise the client timeout only as a stopgap.`],
    verification: [...logsCmd(f, k, false), ...(f.service ? [k(`get endpoints ${f.service}`)] : [])],
    prevention: ['Alert on dependency latency (p99) and timeouts; set client timeouts below the caller\'s own deadline; index hot queries.'],
  }),
  cpu_throttling: (f, k) => ({
    immediate: [`Raise (or remove) the CPU limit of container ${f.container ?? ''} in ${podOrWorkload(f)}${f.cpuLimit ? ` (now ${f.cpuLimit})` : ''}: it is throttled far below what it uses, so probes and requests time out.`],
    verification: [...(f.pod ? [k(`top pod ${f.pod} --containers`)] : []), ...describePod(f, k)],
    prevention: ['Set CPU requests from observed usage and limits well above them (or none); alert on container_cpu_cfs_throttled_periods_total.'],
  }),
  node_capacity_exhausted: (f, k) => ({
    immediate: [`Free capacity on ${f.node ? `node ${f.node}` : 'the nodes'} or add nodes: the pods-per-node limit or allocatable resources are used up.`],
    verification: [...(f.node ? [`kubectl describe node ${f.node}`] : ['kubectl describe nodes']), ...describePod(f, k)],
    prevention: ['Size node pools for the pod count (max-pods, ENI limits on EKS) and enable the cluster autoscaler.'],
  }),
  node_pressure: (f, k) => ({
    immediate: [`Relieve ${f.pressure ?? 'resource'} pressure on node ${f.node ?? ''}: free disk (images, logs, emptyDir) or memory, or move workloads away.`],
    verification: [`kubectl describe node ${f.node ?? ''}`, k('get pods --field-selector=status.phase=Failed')],
    prevention: ['Alert on node MemoryPressure/DiskPressure; set requests near real usage; rotate logs and prune images.'],
  }),
  ingress_misconfigured: (f, k) => ({
    immediate: [f.ingressClass ? `Point ingress ${f.ingress ?? ''} at an installed ingress class (spec.ingressClassName; "${f.ingressClass}" does not exist) or install that controller.` : `Fix ingress ${f.ingress ?? ''}: its class or backend${f.service ? ` (service ${f.service})` : ''} does not exist.`],
    verification: [k(`describe ingress ${f.ingress ?? ''}`), 'kubectl get ingressclass', ...(f.service ? [k(`get svc ${f.service}`)] : [])],
    prevention: ['Set spec.ingressClassName explicitly and keep exactly one default IngressClass; validate ingress backends in CI.'],
  }),
  network_policy_blocked: (f, k) => ({
    immediate: [`Allow the traffic of ${podOrWorkload(f)}${f.host ? ` to ${f.host}${f.port ? `:${f.port}` : ''}` : ''} in NetworkPolicy ${f.networkPolicy ?? ''}: a rule admitting that peer and port in the direction it isolates (ingress on the destination's pods, egress on the source's, and then egress to DNS on port 53 too).`],
    verification: [k('get networkpolicy'), ...(f.networkPolicy ? [k(`describe networkpolicy ${f.networkPolicy}`)] : [])],
    prevention: ['Review default-deny policies with the workloads they affect; always allow egress to kube-dns.'],
  }),
  missing_service_account: (f, k) => ({
    immediate: [`Create service account ${f.serviceAccount ?? ''} in namespace ${f.namespace ?? ''}, or fix serviceAccountName in ${podOrWorkload(f)}.`],
    verification: [k(`get serviceaccount ${f.serviceAccount ?? ''}`.trim()), ...(f.workload ? [k(`describe ${f.workload}`)] : [])],
    prevention: ['Ship the ServiceAccount in the same release as the workload that uses it.'],
  }),
  admission_rejected: (f, k) => ({
    immediate: [`Change ${podOrWorkload(f)} to satisfy the admission policy that rejects its pods${f.policy ? ` (${f.policy})` : ''}: usually securityContext (runAsNonRoot, no privilege escalation, dropped capabilities, seccomp) or the namespace's pod-security level.`],
    verification: [...(f.workload ? [k(`describe ${f.workload}`)] : []), ...(f.namespace ? [`kubectl get namespace ${f.namespace} --show-labels`] : [])],
    prevention: ['Test manifests against the cluster\'s pod-security level and admission webhooks in CI (kubectl apply --dry-run=server).'],
  }),
  security_context_rejected: (f, k) => ({
    immediate: [`Make the securityContext of ${podOrWorkload(f)} match its image: with runAsNonRoot the image must run as a numeric non-root user, or set securityContext.runAsUser to a non-zero UID.`],
    verification: [...(f.pod ? [k(`get pod ${f.pod} -o jsonpath='{.spec.securityContext}'`)] : []), ...describePod(f, k)],
    prevention: ['Build images with a numeric USER (e.g. USER 10001) and set runAsUser explicitly.'],
  }),
  unknown: (f, k) => ({
    immediate: [`Collect more evidence for ${podOrWorkload(f)}: events, previous logs, node state.`],
    verification: [...describePod(f, k), ...logsCmd(f, k, true), k('get events --sort-by=.lastTimestamp')],
    prevention: [],
  }),
};

export function remediationFor(type: RootCauseType, facts: RemediationFacts): Remediation {
  const k = (rest: string): string => `kubectl${facts.namespace ? ` -n ${facts.namespace}` : ''} ${rest}`;
  const r = BUILDERS[type](facts, k);
  const writes = [...(r.writes ?? []), ...restartAfterConfigFix(type, facts, k)];
  return { immediate: [...r.immediate, ...writes.map((w) => `(write) ${w}`)], verification: r.verification, prevention: r.prevention, ...(writes.length > 0 ? { writes } : {}) };
}

/** After configuration is fixed, pods stuck in back-off pick it up faster after a restart. */
function restartAfterConfigFix(type: RootCauseType, f: RemediationFacts, k: (r: string) => string): string[] {
  return type === 'container_config_error' || type === 'missing_configuration' ? restart(f, k) : [];
}
