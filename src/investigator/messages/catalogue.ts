import type { RootCauseType } from '../../domain/diagnosis.js';
import { resolveKind } from '../cluster/kinds.js';
import type { RemediationFacts } from '../remediation/catalog.js';
import { KUBELET_RULES } from './kubelet.js';
import type { NamedObject, Rule } from './rule.js';
import { readSchedulingMessage, SCHEDULER_SUMMARY, type Clause } from './scheduler.js';
import { WEBHOOK_CALL_RULES } from './webhook-calls.js';

/**
 * What Kubernetes itself says when something fails — the scheduler, the kubelet, the
 * controllers, admission, kubectl — as one ordered table. The same sentence reaches us in many
 * shapes (an event row, a `status.message`, a condition, a kubectl error line, a line of a
 * controller's log, a sentence pasted on its own), so every analyzer and every input form reads
 * it through here. The first rule that matches decides; specific wordings come before general
 * ones. Each rule names the concrete things the sentence carries (image, secret, quota, service
 * account, storage class, resource) so the answer names them too.
 */
export interface MessageMatch {
  rule: string;
  type: RootCauseType;
  /** What the sentence says, in a few words, naming the concrete thing. */
  cause: string;
  confidence: number;
  facts: RemediationFacts;
  /** A consequence, not a cause (a back-off restarting a container): never outranks a cause. */
  symptom?: boolean;
  /** The object the sentence itself names, when it names one. */
  names?: NamedObject;
}

const IMAGE_WHY: readonly [RegExp, string][] = [
  [/toomanyrequests|rate limit/i, 'the registry is rate-limiting pulls'],
  [/unauthorized|authentication required|pull access denied|denied: requested access|no basic auth credentials|authorization failed|insufficient_scope|401 Unauthorized|403 Forbidden/i,
    'the registry denied access (missing or wrong imagePullSecrets, or the repository does not exist)'],
  [/manifest unknown|manifest for \S+ not found/i, 'the tag does not exist (manifest unknown)'],
  [/not found|NotFound/i, 'the image or tag does not exist'],
  [/no such host|i\/o timeout|dial tcp|connection refused|TLS handshake timeout|network is unreachable/i, 'the registry is unreachable from the node'],
  [/x509|certificate/i, 'the registry TLS certificate is not trusted'],
  [/InvalidImageName|invalid reference format|couldn't parse image/i, 'the image name is invalid'],
  [/ErrImageNeverPull|imagePullPolicy is "Never"|pull policy of Never/i, 'imagePullPolicy is Never and the image is not on the node'],
  [/no match for platform|exec format error/i, 'the image has no build for the node\'s platform'],
];

export const whyImagePullFailed = (text: string): string => IMAGE_WHY.find(([re]) => re.test(text))?.[1] ?? 'the pull failed';

/** `default/api-7d9f` or `api-7d9f_default(uid)` → the pod it names. */
const podRef = (ns: string | undefined, name: string | undefined): MessageMatch['names'] =>
  name ? { kind: 'Pod', name, ...(ns ? { namespace: ns } : {}) } : undefined;

/** `pods "api-7d9f8b6c5d-"`: a controller creating a pod from its generateName — the ReplicaSet (or Job) is the name without the dash. */
const creatorOf = (generated: string | undefined): MessageMatch['names'] => {
  if (!generated) return undefined;
  if (!generated.endsWith('-')) return { kind: 'Pod', name: generated };
  const owner = generated.slice(0, -1);
  return { kind: /-\d{8,}$/.test(owner) ? 'Job' : 'ReplicaSet', name: owner };
};

const OWN_RULES: readonly Rule[] = [
  // ---- admission and controllers: pods refused before they exist ---------------------------
  { id: 'service-account-missing', type: 'missing_service_account', confidence: 0.95,
    re: /(?:pods? "([^"]*)" is forbidden: )?error looking up service account ([\w-]+)\/([\w.-]+): serviceaccounts? "([^"]+)" not found/,
    cause: (m) => `service account ${m[4]} does not exist in namespace ${m[2]}`, facts: (m) => ({ serviceAccount: m[4]!, namespace: m[2]! }), names: (m) => creatorOf(m[1]) },
  { id: 'service-account-missing-short', type: 'missing_service_account', confidence: 0.85,
    re: /(?:pods? "([^"]*)" is forbidden: )?(?:serviceaccounts? "([^"]+)" not found|service account ([\w-]+)\/([\w.-]+) was not found)/,
    cause: (m) => `service account ${m[2] ?? m[4]} does not exist${m[3] ? ` in namespace ${m[3]}` : ''}`, facts: (m) => ({ serviceAccount: (m[2] ?? m[4])!, ...(m[3] ? { namespace: m[3] } : {}) }), names: (m) => creatorOf(m[1]) },
  // plugin/pkg/admission/serviceaccount/admission.go: the ServiceAccount admission plugin (RequireAPIToken) refuses a
  // pod whose service account has no token secret yet — 1.0-1.2 as Forbidden ("no API token found for service account
  // default/default, retry after …"), 1.3+ as ServerTimeout ("No API token found for service account \"default\", …",
  // also in a controller's FailedCreate). The account exists; kube-controller-manager's token controller has not given
  // it a token, which it never does without --service-account-private-key-file (matching the API server's
  // --service-account-key-file).
  { id: 'service-account-no-token', type: 'missing_service_account', confidence: 0.88,
    re: /(?:[Pp]ods? "([^"]*)" is forbidden: )?[Nn]o API token found for service account (?:([\w-]+)\/([\w.-]+)|"([^"]+)")/,
    cause: (m) => `service account ${m[2] ? `${m[2]}/${m[3]}` : m[4]} has no API token, so the ServiceAccount admission plugin refuses its pods: the token controller of kube-controller-manager has not created one (it needs --service-account-private-key-file, matching the API server's --service-account-key-file)`,
    facts: (m) => ({ serviceAccount: (m[3] ?? m[4])!, ...(m[2] ? { namespace: m[2] } : {}) }), names: (m) => creatorOf(m[1]) },
  { id: 'pod-security', type: 'admission_rejected', confidence: 0.95,
    re: /(?:pods? "([^"]*)" is forbidden: )?violates PodSecurity "([^"]+)": ([^\n]+)/,
    cause: (m) => `pods violate PodSecurity "${m[2]}": ${m[3]!.slice(0, 200)}`, facts: (m) => ({ policy: `PodSecurity ${m[2]}` }), names: (m) => creatorOf(m[1]) },
  { id: 'psp', type: 'admission_rejected', confidence: 0.9,
    re: /(?:pods? "([^"]*)" is forbidden: )?(?:unable to validate against any pod security policy|PodSecurityPolicy: unable to admit pod)(.*)/,
    cause: (m) => `no PodSecurityPolicy admits the pods${m[2] ? `: ${m[2].replace(/^[:\s]+/, '').slice(0, 200)}` : ''}`, facts: () => ({ policy: 'PodSecurityPolicy' }), names: (m) => creatorOf(m[1]) },
  // OpenShift's SecurityContextConstraints admission (openshift/apiserver-library-go, pkg/securitycontextconstraints/sccadmission):
  // the same refusal as a PodSecurityPolicy's, listing the securityContext fields no SCC the pod may use allows.
  { id: 'scc', type: 'admission_rejected', confidence: 0.9,
    re: /(?:pods? "([^"]*)" is forbidden: )?unable to validate against any security context constraint:?\s*([^\n]*)/,
    cause: (m) => `no SecurityContextConstraints the pods' service account may use admits them${m[2] ? `: ${m[2].slice(0, 200)}` : ''}`, facts: () => ({ policy: 'SecurityContextConstraints' }), names: (m) => creatorOf(m[1]) },
  { id: 'admission-webhook', type: 'admission_rejected', confidence: 0.93,
    re: /(?:pods? "([^"]*)" is forbidden: )?admission webhook "([^"]+)" denied the request:?\s*([^\n]*)/,
    cause: (m) => `admission webhook ${m[2]} denied the pods${m[3] ? `: ${m[3].slice(0, 200)}` : ''}`, facts: (m) => ({ policy: `webhook ${m[2]}` }), names: (m) => creatorOf(m[1]) },
  { id: 'security-context-deny', type: 'admission_rejected', confidence: 0.88,
    re: /(?:pods? "([^"]*)" is forbidden: )?(?:SecurityContext\.?\w* is forbidden|pod\.Spec\.SecurityContext\.\w+ is forbidden|securityContext\.\w+ is forbidden)(.*)/,
    cause: (m) => `an admission policy forbids the pods' securityContext${m[2] ? `: ${m[2].slice(0, 160)}` : ''}`, names: (m) => creatorOf(m[1]) },
  { id: 'quota-exceeded', type: 'resource_quota_exceeded', confidence: 0.95,
    re: /(?:pods? "?([^"\s]*)"? is forbidden: )?[Ee]xceeded quota: ([\w.-]+)(?:, requested: ([^,]+(?:,[^,]+=[^,]+)*?), used: ([^\n]+?), limited: ([^\n]+))?$/m,
    cause: (m) => `ResourceQuota ${m[2]} is exceeded${m[3] ? ` (requested ${m[3]}, used ${m[4]}, limited ${m[5]})` : ''}`, facts: (m) => ({ quota: m[2]! }), names: (m) => creatorOf(m[1]) },
  { id: 'quota-must-specify', type: 'resource_quota_exceeded', confidence: 0.93,
    re: /(?:pods? "?([^"\s]*)"? is forbidden: )?[Ff]ailed quota: ([\w.-]+): must specify ([\w.,]+)/,
    cause: (m) => `ResourceQuota ${m[2]} requires ${m[3]} on every container, and the pods do not set them`, facts: (m) => ({ quota: m[2]! }), names: (m) => creatorOf(m[1]) },
  // plugin/pkg/admission/limitranger/admission.go: minConstraint / maxConstraint ("…, but request is 50m",
  // or ". No request is specified." when the container sets none) and limitRequestRatioConstraint.
  { id: 'limit-range', type: 'resource_quota_exceeded', confidence: 0.9,
    re: /(?:pods? "?([^"\s]*)"? is forbidden: )?(maximum|minimum) (cpu|memory|ephemeral-storage|storage) usage per (Container|Pod|PersistentVolumeClaim) is ([\w.]+)(?:, but (request|limit) is ([\w.]+)|\.\s*No (request|limit) is specified)/,
    cause: (m) => `a LimitRange allows a ${m[2]} ${m[3]} of ${m[5]} per ${m[4]!.toLowerCase()}, but ${m[7] ? `the ${m[6]} is ${m[7]}` : `the pod sets no ${m[8]}`}`, names: (m) => creatorOf(m[1]) },
  { id: 'limit-range-ratio', type: 'resource_quota_exceeded', confidence: 0.9,
    re: /(?:pods? "?([^"\s]*)"? is forbidden: )?(cpu|memory|ephemeral-storage) max limit to request ratio per (Container|Pod) is ([\w.]+), but provided ratio is ([\w.]+)/,
    cause: (m) => `a LimitRange allows a ${m[2]} limit at most ${m[4]} times its request per ${m[3]!.toLowerCase()}, but the ratio is ${m[5]}`, names: (m) => creatorOf(m[1]) },

  // ---- scheduling ------------------------------------------------------------------------------
  { id: 'too-many-pods', type: 'node_capacity_exhausted', confidence: 0.9,
    re: /(\d+) (?:node\(s\) had )?(?:Too many pods|Insufficient pods)/, cause: (m) => `${m[1]} node(s) have no room for more pods (Too many pods: the pods-per-node limit is reached)` },
  { id: 'insufficient-pods-autoscaler', type: 'node_capacity_exhausted', confidence: 0.8,
    re: /\b(?:Too many pods|Insufficient pods)\b/, cause: () => 'the nodes have no room for more pods (the pods-per-node limit is reached)' },
  { id: 'unbound-pvc', type: 'unschedulable_pvc', confidence: 0.9,
    re: /pod has unbound (?:immediate )?PersistentVolumeClaims|persistentvolumeclaim "([^"]+)" not found/,
    cause: (m) => (m[1] ? `PersistentVolumeClaim ${m[1]} does not exist` : 'a PersistentVolumeClaim the pod needs is not bound (no PersistentVolume matches it, or its storage class does not exist or has no provisioner, or no default storage class is set)'), facts: (m) => (m[1] ? { pvc: m[1] } : {}) },
  { id: 'volume-node-affinity', type: 'unschedulable_pvc', confidence: 0.9,
    re: /volume node affinity conflict/, cause: () => 'its volume is bound in a zone/node no schedulable node is in (volume node affinity conflict)' },
  { id: 'insufficient-resources', type: 'unschedulable_insufficient_resources', confidence: 0.9,
    re: /(?:(\d+) )?Insufficient ([\w./-]+)(?: \((\d+)\))?/, cause: (m) => `${m[1] ?? m[3] ?? 'the'} node(s) have insufficient ${m[2]} for its requests` },
  { id: 'node-selector', type: 'unschedulable_node_selector', confidence: 0.88,
    re: /(?:(\d+) )?node\(s\) didn't match (?:node selector|Pod's node affinity(?:\/selector)?)|MatchNodeSelector/, cause: (m) => `${m[1] ? `${m[1]} node(s) do not match` : 'no node matches'} its node selector / required node affinity` },
  { id: 'pod-affinity', type: 'unschedulable_affinity', confidence: 0.88,
    re: /(?:(\d+) )?node\(s\) didn't (?:match|satisfy) (?:existing )?pods? (?:anti-)?affinity rules|didn't match pod topology spread constraints|MatchInterPodAffinity/, cause: (m) => (m[1] ? `${m[1]} node(s) do not satisfy its pod (anti-)affinity or topology spread rules` : 'no node satisfies its pod (anti-)affinity or topology spread rules') },
  // A taint the node lifecycle controller sets for a node condition (k8s.io/api/core/v1 well_known_taints.go:
  // TaintNodeNotReady, TaintNodeUnreachable, TaintNodeNetworkUnavailable, TaintNodeMemoryPressure, TaintNodeDiskPressure,
  // TaintNodePIDPressure; TaintNodesByCondition, 1.12+) is that condition, not a taint someone chose for the pod to
  // tolerate: scheduler.ts reads it so inside a `0/N nodes are available:` summary, this reads the clause alone
  // (quoted from memory, cut out of its summary).
  { id: 'condition-taint-pressure', type: 'node_pressure', confidence: 0.85,
    re: /(?:(\d+) )?node\(s\) had (?:untolerated )?taints? \{node\.kubernetes\.io\/(memory|disk|pid)-pressure\b[^}]*\}/,
    cause: (m) => `${m[1] ?? 'the'} node(s) carry the node.kubernetes.io/${m[2]}-pressure taint: the node is under ${m[2]} pressure (the lifecycle controller taints it for that condition), so no new pod is placed there until it is relieved`,
    facts: (m) => ({ taint: `node.kubernetes.io/${m[2]}-pressure`, pressure: m[2] === 'pid' ? 'PIDPressure' : `${m[2]!.charAt(0).toUpperCase()}${m[2]!.slice(1)}Pressure` }) },
  { id: 'condition-taint-not-ready', type: 'node_not_ready', confidence: 0.85,
    re: /(?:(\d+) )?node\(s\) had (?:untolerated )?taints? \{node\.kubernetes\.io\/(not-ready|unreachable|network-unavailable)\b[^}]*\}/,
    cause: (m) => `${m[1] ?? 'the'} node(s) carry the node.kubernetes.io/${m[2]} taint: the node is ${m[2] === 'network-unavailable' ? 'without its pod network' : m[2]!.replace('-', ' ')} (a node condition, not a taint to tolerate)`,
    facts: (m) => ({ taint: `node.kubernetes.io/${m[2]}` }) },
  { id: 'taint', type: 'unschedulable_taint', confidence: 0.85,
    re: /(?:(\d+) )?node\(s\) had (?:untolerated )?taints? \{([^}]*)\}|PodToleratesNodeTaints|(?:(\d+) )?node\(s\) had taints? that the pod didn't tolerate/, cause: (m) => (m[2] ? `${m[1] ?? ''} node(s) have taint {${m[2]}} that the pod does not tolerate`.trim() : m[3] ? `${m[3]} node(s) have taints the pod does not tolerate` : 'nodes carry taints the pod does not tolerate'), facts: (m) => (m[2] ? { taint: m[2].replace(/:\s*$/, '').trim() } : {}) },

  // ---- images, containers ---------------------------------------------------------------------
  { id: 'run-as-non-root', type: 'security_context_rejected', confidence: 0.95,
    re: /container has runAsNonRoot and image (?:has non-numeric user \(([^)]+)\)|will run as root)/, cause: (m) => (m[1] ? `runAsNonRoot is set but the image runs as non-numeric user ${m[1]}, which the kubelet cannot verify` : 'runAsNonRoot is set but the image runs as root') },
  { id: 'image-pull', type: 'image_pull_error', confidence: 0.93,
    re: /Failed to pull image "([^"]+)":?\s*(.*)|(?:Back-off|back-off) pulling image "([^"]+)"|pull access denied for ([\w./:@-]+)|Container image "([^"]+)" is not present with pull policy of Never|Failed to apply default image tag "([^"]+)"|couldn't parse image reference "([^"]+)"/,
    cause: (m, text) => `image ${m[1] ?? m[3] ?? m[4] ?? m[5] ?? m[6] ?? m[7]} cannot be pulled: ${whyImagePullFailed(text)}`, facts: (m) => ({ image: (m[1] ?? m[3] ?? m[4] ?? m[5] ?? m[6] ?? m[7])! }) },
  { id: 'image-pull-reason', type: 'image_pull_error', confidence: 0.75,
    re: /\b(ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName)\b/, cause: (m) => `the image cannot be pulled (${m[1]})` },
  // A registry's answer to a call of the distribution API (/v2/<repository>/manifests|tags/list|blobs), as
  // go-containerregistry's transport.Error words it (`GET <url>: <CODE>: <message>`, pkg/v1/remote/transport/error.go)
  // for the tools built on it (Flux's image-reflector, crane, ko, kaniko, Tekton): the error codes are the
  // distribution spec's. Refused credentials (UNAUTHORIZED, DENIED) and unknown names keep any puller out, the
  // kubelet's too; the registry's own message says which (an expired token, a repository that does not exist).
  { id: 'registry-api-refused', type: 'image_pull_error', confidence: 0.85,
    re: /\b(?:GET|HEAD) https?:\/\/([^/\s]+)\/v2\/(\S+?)\/(?:tags\/list|manifests\/|blobs\/)\S*: (UNAUTHORIZED|DENIED|NAME_UNKNOWN|MANIFEST_UNKNOWN|NAME_INVALID|TOOMANYREQUESTS): ?([^\n]*)/,
    cause: (m) => {
      const why = m[3] === 'UNAUTHORIZED' || m[3] === 'DENIED' ? 'the registry refused the credentials it was given (missing, wrong or expired: renew the pull secret)'
        : m[3] === 'TOOMANYREQUESTS' ? 'the registry is rate-limiting pulls'
          : m[3] === 'MANIFEST_UNKNOWN' ? 'the tag does not exist (manifest unknown)' : 'the repository does not exist in that registry or its name is invalid';
      return `registry ${m[1]} refuses repository ${m[2]} (${m[3]}${m[4] ? `: ${m[4].trim().slice(0, 160)}` : ''}): ${why}`;
    },
    facts: (m) => ({ image: `${m[1]}/${m[2]}` }) },
  { id: 'missing-key', type: 'container_config_error', confidence: 0.93,
    re: /couldn't find key ([\w.-]+) in (ConfigMap|Secret) ([\w-]+)\/([\w.-]+)/, cause: (m) => `key ${m[1]} is missing in ${m[2]!.toLowerCase()} ${m[4]}`, facts: (m) => (m[2] === 'Secret' ? { secret: m[4]!, key: m[1]! } : { configMap: m[4]!, key: m[1]! }) },
  { id: 'missing-secret', type: 'container_config_error', confidence: 0.9,
    // An event reaches the table as `Reason: message` (`Failed: Error: secret "x" not found`); kubectl's
    // own `Error from server (NotFound): secrets "x" not found` says the Secret is not there to get, not that a pod needs it.
    re: /^(?:[A-Z]\w*: )?(?:Error: )?secrets? "([^"]+)" not found|CreateContainerConfigError.*secrets? "([^"]+)" not found/, cause: (m) => `secret ${m[1] ?? m[2]} does not exist`, facts: (m) => ({ secret: (m[1] ?? m[2])! }) },
  { id: 'missing-configmap', type: 'container_config_error', confidence: 0.9,
    re: /^(?:[A-Z]\w*: )?(?:Error: )?configmaps? "([^"]+)" not found|CreateContainerConfigError.*configmaps? "([^"]+)" not found/, cause: (m) => `configmap ${m[1] ?? m[2]} does not exist`, facts: (m) => ({ configMap: (m[1] ?? m[2])! }) },
  { id: 'exec-not-found', type: 'bad_command', confidence: 0.93,
    re: /exec: "([^"]+)": (?:executable file not found in \$PATH|stat \S+: no such file or directory)|exec (\S+): no such file or directory/, cause: (m) => `the command ${m[1] ?? m[2]} does not exist in the image`, facts: (m) => ({ file: (m[1] ?? m[2])! }) },
  // runc (libcontainer/standard_init_linux.go, 1.0 → 1.2): the entrypoint exists but may not be executed — its
  // file lacks the execute bit, or it sits on a noexec mount. Printed in the CRI error (`exec: "x": permission
  // denied`, with escaped quotes in Docker's older wording) and, from runc init, in the container's own output
  // (`exec /x: permission denied`). A command that cannot run, like the log patterns read it (patterns-process.ts).
  { id: 'exec-permission', type: 'bad_command', confidence: 0.88,
    re: /exec: \\?"([^"\\]+)\\?": permission denied|^exec (\/\S+): permission denied\s*$/m,
    cause: (m) => `the command ${m[1] ?? m[2]} cannot be executed (permission denied): the file lacks the execute bit (chmod +x it in the image) or is on a noexec mount`, facts: (m) => ({ file: (m[1] ?? m[2])! }) },
  { id: 'exec-format', type: 'bad_command', confidence: 0.9,
    re: /exec format error/, cause: () => 'the image\'s binary is built for another CPU architecture (exec format error)' },

  // ---- volumes -----------------------------------------------------------------------------------
  // pkg/volume/csi (csi_plugin.go, csi_client.go; 1.10 → 1.32): the node has no CSI node plugin registered
  // under the driver name the volume asks for (its node DaemonSet pod is not running there, or the name is wrong).
  { id: 'csi-driver-missing', type: 'volume_mount_failure', confidence: 0.9,
    re: /driver name ([\w.-]+) not found in the list of registered CSI drivers/,
    cause: (m) => `CSI driver ${m[1]} is not registered on the node: its node plugin (the driver's DaemonSet pod) is not running there, or the storage class names another driver` },
  { id: 'mount-configmap-missing', type: 'volume_mount_failure', confidence: 0.93,
    re: /MountVolume\.\w+ failed for volume "([^"]+)" : (?:configmaps?|configmap references non-existent config key)[^"]*"?([\w.-]*)"? not found/, cause: (m) => `configmap ${m[2] || m[1]} for volume ${m[1]} does not exist`, facts: (m) => ({ configMap: m[2] || m[1]! }) },
  { id: 'mount-secret-missing', type: 'volume_mount_failure', confidence: 0.93,
    re: /MountVolume\.\w+ failed for volume "([^"]+)" : secrets? "([^"]+)" not found/, cause: (m) => `secret ${m[2]} for volume ${m[1]} does not exist`, facts: (m) => ({ secret: m[2]! }) },
  // The mount program's own words, as mount-utils quotes them after `Output:` (util-linux before 2.30: "wrong fs type,
  // bad option, bad superblock on <source>, missing codepage or helper program, or other error (for several filesystems
  // (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program)"; since: "<target>: bad option; for several
  // filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program."), with the filesystem from `Mounting arguments:`
  // (`<source> <target> <fstype> [options]` before 1.9, `-t <fstype> …` since): quoted, so the answer says what the node said.
  { id: 'mount-output-helper', type: 'volume_mount_failure', confidence: 0.9,
    re: /Output: (?:Running scope as unit:? \S+\s*)?(mount(?:\.\w+)?: [^\n]*?(?:wrong fs type, bad option|bad option;)[^\n]*?you might need a \/sbin\/mount\.<type> helper program\)?\.?)/,
    cause: (m, text) => {
      const fsType = /Mounting arguments: (?:.*?-t (\w+)|\S+ \S+ (\w+) \[)/.exec(text);
      const type = fsType?.[1] ?? fsType?.[2];
      return `the node cannot mount the ${type ? `${type} ` : ''}volume: ${type ? `the ${type} mount helper (/sbin/mount.${type})` : 'the filesystem\'s mount helper'} is most likely missing where the kubelet mounts (on the node, or in the kubelet's own container when it runs in one), or its options are wrong: ${m[1]!.replace(/\s+/g, ' ').slice(0, 260)}`;
    } },
  { id: 'mount-helper-missing', type: 'volume_mount_failure', confidence: 0.9,
    re: /(?:mount failed: exit status 32[\s\S]*?)?(?:bad option; for several filesystems \(e\.g\. nfs, cifs\) you might need a \/sbin\/mount\.<type> helper program|mount(?:\.nfs)?: (?:wrong fs type|bad option)|mount\.nfs: No such file or directory|executable file not found in \$PATH.*mount)/,
    cause: () => 'the node cannot mount it: the filesystem\'s mount helper (e.g. nfs-common / mount.nfs) is missing on the node' },
  { id: 'mount-failed', type: 'volume_mount_failure', confidence: 0.85,
    re: /MountVolume\.\w+ failed for volume "([^"]+)"\s*:\s*(.+)/, cause: (m) => {
      // mount-utils prints the mount's own output last (`Output: mount.nfs: access denied by server …`): that is why.
      const [failed, output] = m[2]!.split(/\s*Mounting command:[\s\S]*?Output:\s*/);
      return `volume ${m[1]} cannot be mounted: ${output ? `${output.replace(/^Running scope as unit \S+\s*/, '').slice(0, 200)} (${failed!.slice(0, 60)})` : m[2]!.slice(0, 200)}`;
    } },
  // The kubelet prepares a subPath inside the mounted volume before it creates the container; a
  // volume it cannot read there fails the container with CreateContainerConfigError.
  { id: 'subpath-failed', type: 'volume_mount_failure', confidence: 0.85,
    re: /failed to (?:prepare|create) subPath(?: directory)? for volumeMount "([^"]+)" of container "([^"]+)"(?:: (.+))?/,
    cause: (m) => `volume ${m[1]} cannot be prepared for container ${m[2]} (its subPath)${m[3] ? `: ${m[3].slice(0, 200)}` : ''}` },
  { id: 'multi-attach', type: 'volume_mount_failure', confidence: 0.9,
    re: /Multi-Attach error for volume "([^"]+)"/, cause: (m) => `volume ${m[1]} is already attached to another node (Multi-Attach)` },
  { id: 'attach-failed', type: 'volume_mount_failure', confidence: 0.85,
    re: /AttachVolume\.Attach failed for volume "([^"]+)"\s*:\s*(.+)/, cause: (m) => `attaching volume ${m[1]} failed: ${m[2]!.slice(0, 200)}` },
  { id: 'mount-timeout', type: 'volume_mount_failure', confidence: 0.7,
    re: /Unable to (?:attach or )?mount volumes for pod [^:]*: timed? ?out (?:expired )?waiting for (?:the condition|volumes to attach(?:\/| or )mount)[^\n]*?(?:unmounted volumes=\[([^\]]*)\])?|unmounted volumes=\[([^\]]*)\]/,
    cause: (m) => `volumes [${m[1] ?? m[2] ?? '?'}] were not mounted in time (the mount itself failed; its own error is in the kubelet log or earlier events)` },

  // ---- storage provisioning ----------------------------------------------------------------------
  // The claim names a volume (spec.volumeName) the PV controller will not bind it to: access mode,
  // size, storage class or volume mode differ, or the volume belongs to another claim. Nothing is
  // provisioned; the pod waits for a claim that cannot bind.
  { id: 'pv-bind-mismatch', type: 'unschedulable_pvc', confidence: 0.9,
    re: /Cannot bind to requested volume "([^"]+)": (.+)/, cause: (m) => `the claim cannot bind to the volume it requests, ${m[1]}: ${m[2]!.slice(0, 160)}` },
  { id: 'storage-class-missing', type: 'pvc_provisioning_failure', confidence: 0.93,
    re: /storageclass\.storage\.k8s\.io "([^"]+)" not found/, cause: (m) => `storage class ${m[1]} does not exist`, facts: (m) => ({ storageClass: m[1]! }) },
  { id: 'no-storage-class', type: 'pvc_provisioning_failure', confidence: 0.9,
    re: /no persistent volumes available for this claim and no storage class is set/, cause: () => 'no PersistentVolume matches the claim and it sets no storage class (and the cluster has no default storage class)' },
  { id: 'provisioning-failed', type: 'pvc_provisioning_failure', confidence: 0.88,
    re: /[Ff]ailed to provision volume with StorageClass "([^"]+)": (.+)/, cause: (m) => `provisioning with storage class ${m[1]} fails: ${m[2]!.slice(0, 200)}`, facts: (m) => ({ storageClass: m[1]! }) },

  // ---- nodes and eviction ------------------------------------------------------------------------
  { id: 'evicted-low-resource', type: 'evicted', confidence: 0.93,
    // pkg/kubelet/eviction/helpers.go nodeLowMessageFmt; 1.5-1.7 printed the signal in brackets ("[DiskPressure]").
    re: /The node was low on resource: \[?([\w-]+)\]?\.(?:\s*Threshold quantity: (\S+), available: (\S+)\.)?(?:\s*Container ([\w.-]+) was using (\S+?),? (?:which exceeds its request of|request is) (\S+?)[,.]?(?:\s|$))?/,
    cause: (m) => `the node was low on ${m[1]}${m[4] ? `; container ${m[4]} was using ${m[5]} against a request of ${m[6]}` : ''}` },
  { id: 'evicted-condition', type: 'evicted', confidence: 0.88,
    re: /The node had condition: \[(\w+)(?:, ?\w+)*\]/, cause: (m) => `the node had condition ${m[1]}`, facts: (m) => ({ pressure: m[1]! }) },
  { id: 'evicted-ephemeral', type: 'evicted', confidence: 0.9,
    // pkg/kubelet/eviction/helpers.go: containerEphemeralStorageMessageFmt, podEphemeralStorageMessageFmt, emptyDirMessageFmt
    re: /(?:Pod|Container) ephemeral local storage usage exceeds(?: the total limit of containers (\S+?)\.?(?:\s|$))?|Container ([\w.-]+) exceeded its local ephemeral storage limit "([^"]+)"|Usage of EmptyDir volume "([^"]+)" exceeds the limit "?([^".\s]+)"?/,
    cause: (m) => (m[2] ? `container ${m[2]} exceeded its ephemeral-storage limit of ${m[3]}`
      : m[4] ? `its emptyDir volume ${m[4]} exceeded its size limit of ${m[5]}`
        : `its ephemeral-storage use exceeded its limit${m[1] ? ` (the containers' total limit of ${m[1]})` : ''}`) },
  { id: 'node-pressure', type: 'node_pressure', confidence: 0.88,
    re: /(?:\b|NodeHas)(DiskPressure|MemoryPressure|PIDPressure)\b|node\(s\) had (?:untolerated )?taint \{node\.kubernetes\.io\/(disk|memory|pid)-pressure|kubelet has (disk|memory|insufficient PID|sufficient) pressure|(?:Disk usage on image filesystem|image filesystem) is at \d+% which is over the high threshold|EvictionThresholdMet|Attempting to reclaim (ephemeral-storage|memory|nodefs|imagefs)|failed to garbage collect required amount of images|FreeDiskSpaceFailed/,
    cause: (m, text) => {
      const kind = m[1] ?? (m[2] ? `${m[2].charAt(0).toUpperCase()}${m[2].slice(1)}Pressure` : /image filesystem|garbage collect|ephemeral|nodefs|imagefs|disk/i.test(text) ? 'DiskPressure' : /memory/i.test(text) ? 'MemoryPressure' : 'pressure');
      return `the node reports ${kind}`;
    } },
  // The kubelet reports the pod network missing: no CNI plugin installed or configured on the node.
  { id: 'cni-not-ready', type: 'node_not_ready', confidence: 0.9,
    re: /runtime network not ready|NetworkPluginNotReady|network plugin is not ready|cni config uninitialized/,
    cause: (m, text) => `its container network is not ready (${[/cni config uninitialized/, /no networks found in \S+/, /NetworkPluginNotReady/].map((r) => r.exec(text)?.[0]).find(Boolean) ?? m[0]}): the CNI network plugin is not installed or not configured on the node` },
  { id: 'node-not-ready', type: 'node_not_ready', confidence: 0.88,
    // Also the node controller's NodeLost pod status before 1.9 ("Node x which was running pod y is unresponsive",
    // pkg/util/node) and the kubelet's runtime check ("container runtime not ready: RuntimeReady=false …").
    re: /NodeNotReady|Kubelet stopped posting node status|Kubelet never posted node status|which was running pod \S+ is unresponsive|\bNodeLost\b|PLEG is not healthy|container runtime is down|container runtime not ready|RuntimeReady=false|runtime network not ready|NetworkPluginNotReady|network plugin is not ready|Node is not ready|node\(s\) were not ready|had taint \{node\.kubernetes\.io\/(?:not-ready|unreachable)/,
    cause: (m) => `the node is not ready (${m[0].slice(0, 80)})` },

  // ---- workloads, jobs, autoscaling ---------------------------------------------------------------
  { id: 'job-backoff', type: 'job_failed', confidence: 0.8,
    re: /Job has reached the specified backoff limit|BackoffLimitExceeded/, cause: () => 'the job reached its backoff limit' },
  { id: 'job-deadline', type: 'job_failed', confidence: 0.8,
    re: /Job was active longer than specified deadline|(?<!code = )\bDeadlineExceeded\b/, cause: () => 'the job ran longer than its activeDeadlineSeconds' },
  { id: 'cronjob-missed', type: 'job_failed', confidence: 0.85,
    re: /[Tt]oo many missed start times|Cannot determine if job needs to be started/, cause: () => 'the CronJob missed too many start times and stopped creating Jobs (startingDeadlineSeconds / controller clock)' },
  { id: 'progress-deadline', type: 'rollout_stuck', confidence: 0.7, symptom: true,
    re: /ProgressDeadlineExceeded|has timed out progressing/, cause: (m, text) => `the rollout is stuck (${text.slice(0, 160)})` },
  { id: 'hpa-missing-request', type: 'hpa_not_scaling', confidence: 0.93,
    re: /missing request for (cpu|memory)(?: on container ([\w.-]+))?(?: in pod ([\w.-]+)\/([\w.-]+))?/, cause: (m) => `container ${m[2] ?? '?'} has no ${m[1]} request, so the HPA cannot compute utilization` },
  { id: 'hpa-no-metrics', type: 'hpa_not_scaling', confidence: 0.88,
    re: /unable to (?:get|fetch) metrics (?:for resource \w+|from (?:resource )?metrics API)[^\n]*|no metrics returned from (?:resource )?metrics API|the server could not find the requested resource \(get pods\.metrics\.k8s\.io\)|failed to get (cpu|memory) utilization/,
    cause: (m) => `the HPA cannot read metrics (${m[0].slice(0, 120)}): is metrics-server running?` },

  // ---- ingress ------------------------------------------------------------------------------------
  { id: 'ingress-class-invalid', type: 'ingress_misconfigured', confidence: 0.9,
    re: /ingress does not contain a valid IngressClass|Ignoring ingress because of error while validating ingress class|ingressClassName "?([\w.-]+)"? (?:not found|does not exist)|no IngressClass/i,
    cause: (m) => (m[1] ? `ingress class ${m[1]} does not exist` : 'the ingress names no IngressClass the controller serves (set spec.ingressClassName, or mark a default class)'), facts: (m) => (m[1] ? { ingressClass: m[1] } : {}) },
  { id: 'ingress-cross-namespace', type: 'ingress_misconfigured', confidence: 0.9,
    re: /cross[- ]namespace|allowCrossNamespace|parent resource namespace/i, cause: () => 'the route refers to a service in another namespace and cross-namespace references are disabled (allowCrossNamespace)' },
  { id: 'ingress-backend-missing', type: 'ingress_misconfigured', confidence: 0.85,
    re: /[Ss]ervice "?([\w.-]+\/)?([\w.-]+)"? (?:does not exist|not found)[^\n]*(?:ingress|backend)|(?:ingress|backend)[^\n]*[Ss]ervice "?([\w.-]+\/)?([\w.-]+)"? (?:does not exist|not found)/,
    cause: (m) => `the ingress backend service ${m[2] ?? m[4]} does not exist`, facts: (m) => ({ service: (m[2] ?? m[4])! }) },

  // ---- services ------------------------------------------------------------------------------------
  { id: 'service-no-active-endpoint', type: 'service_no_endpoints', confidence: 0.85,
    re: /[Ss]ervice "?([\w.-]+\/)?([\w.-]+)"? does not have any active [Ee]ndpoints?|no (?:healthy )?endpoints? (?:available )?for service "?([\w.-]+\/)?([\w.-]+)"?/,
    cause: (m) => `service ${m[2] ?? m[4]} has no ready endpoints: no ready pod matches its selector`, facts: (m) => ({ service: (m[2] ?? m[4])! }),
    names: (m) => ({ kind: 'Service', name: (m[2] ?? m[4])!, ...((m[1] ?? m[3]) ? { namespace: (m[1] ?? m[3])!.slice(0, -1) } : {}) }) },

  // ---- probes ---------------------------------------------------------------------------------------
  { id: 'probe-remote-timeout', type: 'unknown', confidence: 0.5,
    re: /(Liveness|Readiness|Startup) probe failed: command timed out: "([^"]*?(?:--server|--host|-h|https?:\/\/)\s*([\w.-]+\.[\w.-]+(?::\d+)?)[^"]*)"/,
    cause: (m) => `its ${m[1]!.toLowerCase()} probe calls ${m[3]} and times out: that dependency does not answer from this pod (it is down, or DNS or a NetworkPolicy blocks the way)`, facts: (m) => ({ host: m[3]!.split(':')[0]! }) },
  { id: 'probe-http-5xx', type: 'unknown', confidence: 0.5,
    re: /(Liveness|Readiness|Startup) probe failed: HTTP probe failed with statuscode: (5\d\d)/,
    cause: (m) => `its ${m[1]!.toLowerCase()} probe gets HTTP ${m[2]}: the application reports itself unhealthy (its own checks fail, most often a dependency such as its database); the probe itself works, the application's logs say which check fails` },
  { id: 'probe-http-404', type: 'probe_failure', confidence: 0.85,
    re: /(Liveness|Readiness|Startup) probe failed: HTTP probe failed with statuscode: (404|401|403)/,
    cause: (m) => `its ${m[1]!.toLowerCase()} probe gets HTTP ${m[2]}: the probe's path or port is wrong (the application does not serve that health endpoint there)` },
  { id: 'probe-timeout', type: 'probe_failure', confidence: 0.82,
    re: /(Liveness|Readiness|Startup) probe (?:failed|errored): (?:command "([^"]+)" timed out|.*(?:context deadline exceeded|Client\.Timeout exceeded|timed out|timeout))/,
    cause: (m) => `its ${m[1]!.toLowerCase()} probe times out${m[2] ? ` (${m[2]})` : ''}: the probe's timeoutSeconds is shorter than the check takes, or the container is too slow to answer` },
  // The kubelet's Killing event names the probe but not its error: the probe is the lead, not a certainty
  // (a slow start against initialDelaySeconds, or an application that stopped answering).
  { id: 'probe-kill', type: 'probe_failure', confidence: 0.6,
    re: /Container ([\w.-]+) failed (liveness|startup) probe, will be restarted/,
    cause: (m) => `the kubelet restarts container ${m[1]} because its ${m[2]} probe fails; the probe's own error is not in the evidence (compare its initialDelaySeconds and timeout with how long the application takes to answer)` },
  { id: 'probe-failed', type: 'probe_failure', confidence: 0.75,
    re: /(Liveness|Readiness|Startup) probe failed: (.*)/, cause: (m) => `its ${m[1]!.toLowerCase()} probe fails: ${m[2]!.slice(0, 200)}` },

  // ---- runtime symptoms (never a root cause on their own) -----------------------------------------
  { id: 'oom-kill', type: 'oom_killed', confidence: 0.9,
    // The kernel's own lines (mm/oom_kill.c: "Memory cgroup out of memory: Killed process 1234 (java)", the
    // node-wide "Out of memory: Kill process …", "java invoked oom-killer", "Task in /kubepods/… killed as a
    // result of limit of …", the 4.19+ "oom-kill:constraint=…,task=java"), node-problem-detector's OOMKilling
    // event and the kubelet's SystemOOM ("System OOM encountered, victim process: java, pid: 1234", 1.22+).
    re: /\bOOMKill(?:ed|ing)\b|(?:Memory cgroup out of memory|Out of memory): Kill(?:ed)? process \d+ \(([^)]+)\)|System OOM encountered(?:, victim process: ([\w.-]+))?|oom-kill(?:er)?:.*task=([\w.-]+)|\b([\w.-]+) invoked oom-killer|Task in \S+ killed as a result of limit of/,
    cause: (m) => {
      const process = m[1] ?? m[2] ?? m[3] ?? m[4];
      return `the kernel OOM killer killed ${process ? `process ${process}` : 'the container'} (memory limit reached)`;
    } },
  { id: 'back-off-restarting', type: 'crash_loop', confidence: 0.5, symptom: true,
    re: /Back-off restarting failed container|CrashLoopBackOff/, cause: () => 'the container keeps crashing (back-off restarting failed container)' },
];

/** The catalogue's own rules after the kubelet's and the webhook calls', which are more specific than its generic mount and service rules. */
const RULES: readonly Rule[] = [...WEBHOOK_CALL_RULES, ...KUBELET_RULES, ...OWN_RULES];

/** `pod "api_default(uid)"`, `pod="default/api"`, `Successfully assigned default/api to node`. */
const NAMED_POD: readonly RegExp[] = [
  /pod(?:s)? "([\w.-]+)_([\w-]+)\(/,
  /pod="?([\w-]+)\/([\w.-]+)"?/,
  /Successfully assigned ([\w-]+)\/([\w.-]+) to /,
];

export function namedPodIn(text: string): MessageMatch['names'] {
  for (const [i, re] of NAMED_POD.entries()) {
    const m = re.exec(text);
    if (m) return i === 0 ? podRef(m[2], m[1]) : podRef(m[1], m[2]);
  }
  return undefined;
}

/**
 * Words at least one rule's sentence contains: most log lines hold none of them, and one test
 * spares them sixty regular expressions (a 10,000-pod namespace has a lot of log lines).
 */
const MAY_MATCH = /\/v2\/|forbidden|quota|LimitRange|usage per|available|Insufficient|Too many pods|unbound|PersistentVolumeClaim|persistentvolumeclaim|affinity|topology|taint|Taint|selector|MatchNodeSelector|runAsNonRoot|image|Image|pull|couldn't find key|not found|exec|Mount|mount|Attach|storageclass|storage class|provision|low on resource|had condition|ephemeral|exceeds the limit|EmptyDir|Pressure|pressure|image filesystem|EvictionThresholdMet|reclaim|garbage collect|FreeDiskSpace|NotReady|not ready|stopped posting|PLEG|runtime|network plugin|NetworkPlugin|backoff limit|Backoff|Deadline|deadline|missed start|needs to be started|timed out progressing|missing request|metrics|IngressClass|ingress class|ingressClassName|cross[- ]namespace|allowCrossNamespace|parent resource|[Ss]ervice|[Ee]ndpoint|probe failed|failed (?:liveness|startup) probe|Cannot bind|subPath|OOM|oom|Back-off|back-off|CrashLoopBackOff|service account|serviceaccount|PodSecurity|pod security policy|PodSecurityPolicy|admission webhook|SecurityContext|securityContext|security context constraint|webhook|[Ii][Pp] address|IPAM|range is full|enough resource|OutOf|devices unavailable|forwarding|runAsUser|AppArmor|seccomp|waiting to start|trying to pull|unresponsive|NodeLost|Out of memory|Task in|ratio per|CSI|Exceeded quota|Failed quota|No available addresses|Failed to attach volume/;

/**
 * The message itself when it arrives as a JSON or YAML value: `"message": "secrets \"x\" not
 * found",` from `-o json` or a jq extract, `message: 'pod has unbound …'` from `-o yaml`.
 */
export function unquotedMessage(text: string): string {
  const unescaped = text.includes('\\"') ? text.replace(/\\"/g, '"') : text;
  const kv = /^\s*"?(?:message|msg|reason)"?\s*:\s*["']?(.*?)["']?,?\s*$/.exec(unescaped);
  return kv?.[1] ?? unescaped;
}

function firstRule(text: string, names: (m: RegExpExecArray, rule: Rule) => MessageMatch['names']): MessageMatch | undefined {
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    const named = names(m, rule);
    return {
      rule: rule.id,
      type: rule.type,
      cause: rule.cause(m, text),
      confidence: rule.confidence,
      facts: rule.facts?.(m) ?? {},
      ...(rule.symptom ? { symptom: true } : {}),
      ...(named ? { names: named } : {}),
    };
  }
  return undefined;
}

/**
 * The scheduler's clause decides the type (a `node.kubernetes.io/not-ready` taint is a node that is
 * not ready, not a taint to tolerate); a rule of the table only words it better when it agrees.
 */
function clauseMatch(clause: Clause, rule: MessageMatch | undefined): MessageMatch {
  if (rule && rule.type === clause.type) return rule;
  return { rule: 'scheduler-clause', type: clause.type, cause: `${clause.count} node(s) ${clause.says} (${clause.text})`, confidence: 0.85, facts: {} };
}

/**
 * The volume manager's sentences before 1.9 named the volume by its plugin path and the pod by its UID
 * (`MountVolume.SetUp failed for volume "kubernetes.io/secret/<uid>-token" (spec.Name: "token") pod
 * "<uid>" (UID: "<uid>") with: secrets "token" not found`; attach: `Failed to attach volume "x" on node "y"
 * with: …`): rewritten to today's shape, one set of rules reads both.
 */
function currentVolumeWording(text: string): string {
  if (!text.includes(' with: ')) return text;
  return text
    .replace(/(MountVolume\.\w+|UnmountVolume\.\w+) failed for volume "[^"]*" \(spec\.Name: "([^"]+)"\) pod "[^"]*" \(UID: "[^"]*"\) with: /, '$1 failed for volume "$2" : ')
    .replace(/Failed to attach volume "([^"]+)" on node "[^"]*" with: /, 'AttachVolume.Attach failed for volume "$1" : ');
}

export function matchMessage(raw: string): MessageMatch | undefined {
  if (!MAY_MATCH.test(raw)) return undefined;
  const text = currentVolumeWording(unquotedMessage(raw));
  const names = (m: RegExpExecArray, rule: Rule) => rule.names?.(m) ?? namedPodIn(text);
  // A scheduler summary lists one reason per group of nodes: the clause that decides is read, not
  // whichever reason the table happens to list first.
  const scheduling = SCHEDULER_SUMMARY.test(text) ? readSchedulingMessage(text) : undefined;
  const decided = scheduling ? clauseMatch(scheduling.clause, firstRule(`${scheduling.clause.count} ${scheduling.clause.text}`, names)) : undefined;
  if (decided && scheduling?.mixed) {
    const others = scheduling.mixed.map((c) => `${c.count} ${c.text}`).join(', ');
    return { ...decided, cause: `${decided.cause} (other nodes: ${others}; fixing this alone may not place the pod)`, confidence: Math.min(decided.confidence, 0.65) };
  }
  return decided ?? firstRule(text, names);
}

/** `Error from server (NotFound): pods "x" not found` and its relatives: what the person asked for is not there. */
export function notFoundIn(text: string): { kind: string; name: string } | undefined {
  const m = /\b([a-z]+(?:\.[a-z.]+)?) "([^"]+)" not found/.exec(text);
  const kind = m ? resolveKind(m[1]!) : undefined;
  return kind && m ? { kind, name: m[2]! } : undefined;
}

/**
 * `No resources found in kjdnfkfkm namespace.`: what `kubectl get` prints (1.18+; before, `No
 * resources found.`) when the list is empty — the namespace holds none of them, or does not exist.
 */
export function emptyListIn(text: string): { namespace?: string } | undefined {
  const m = /^\s*No resources found(?: in ([a-z0-9][a-z0-9-]*) namespace)?\.?\s*$/.exec(text);
  return m ? (m[1] ? { namespace: m[1] } : {}) : undefined;
}
