/**
 * The STATUS strings `kubectl get pods` shows (printPod, pkg/printers/internalversion/printers.go),
 * enumerated from the kubernetes sources that write the reasons behind them, and what each says of
 * the pod's containers. A table row is all the parsers see; these make it a container state.
 */
type Raw = Record<string, unknown>;

/**
 * A container's waiting reason as printPod shows it: the kubelet's (pkg/kubelet/images/types.go,
 * pkg/kubelet/container/sync_result.go, pkg/kubelet/kuberuntime) and the runtime's.
 */
export const WAITING = /^(?:Init:)?(CrashLoopBackOff|ImagePullBackOff|ErrImagePull|ErrImageNeverPull|ImageInspectError|RegistryUnavailable|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError|KillContainerError|VerifyNonRootError|PreCreateHookError|PreStartHookError|PostStartHookError|CreatePodSandboxError|ConfigPodSandboxError|KillPodSandboxError|ContainerCreating|PodInitializing)$/;
/** A terminated container: the runtime's reason, or printPod's `ExitCode:N` / `Signal:N` when it gave none. */
export const TERMINATED = /^(?:Init:)?(Error|OOMKilled|Completed|ContainerCannotRun|DeadlineExceeded|StartError|ContainerStatusUnknown|ExitCode:\d+|Signal:\d+)$/;
/** A terminated STATUS → the state: `ExitCode:2` → exit code 2, `Signal:9` → signal 9 (exit 137), a reason as it is. */
export function terminatedState(status: string): Raw {
  const code = /^ExitCode:(\d+)$/.exec(status)?.[1];
  if (code) return { exitCode: Number(code) };
  const signal = /^Signal:(\d+)$/.exec(status)?.[1];
  if (signal) return { exitCode: 128 + Number(signal), signal: Number(signal) };
  return { exitCode: status === 'Completed' ? 0 : 1, reason: status };
}
/**
 * A pod ended by the kubelet itself, whose status.reason printPod shows when no container state
 * overrides it: the active deadline (pkg/kubelet/active_deadline.go), a graceful node shutdown
 * (pkg/kubelet/nodeshutdown: `Terminated`, and `NodeShutdown` for a pod refused during one).
 */
export const ENDED_BY_KUBELET = /^(?:DeadlineExceeded|Terminated|NodeShutdown)$/;
/**
 * A pod the kubelet refused at admission: printPod shows status.reason, set by pkg/kubelet/lifecycle/predicate.go
 * (`OutOfcpu`, `OutOfmemory`, `OutOfpods`, `OutOf<extended resource>`, `NodeAffinity`, `UnexpectedAdmissionError`, …).
 */
export const REJECTED = /^(?:OutOf[a-z][\w./-]*|NodeAffinity|NodeSelectorMismatching|UnexpectedAdmissionError|UnexpectedPredicateFailureType|PodOSNotSupported|PodOSSelectorNodeLabelDoesNotMatch|InvalidNodeInfo)$/;

