import { matchLine } from '../investigator/logs/classify.js';

/**
 * Answers that need no cluster: what Syntra can do (`general_help`), and what an error or a
 * Kubernetes state means (`explain`) — from a glossary of the states people ask about, then
 * from the log classifier that recognizes error lines.
 */
const GLOSSARY: Array<[RegExp, string]> = [
  [/crashloopbackoff/i, 'CrashLoopBackOff: the container starts, exits, and Kubernetes restarts it with growing delays (up to 5 minutes). The cause is in the previous instance\'s logs (`kubectl logs --previous`) and its last exit code: 1 is usually an application error, 137 an OOM kill or SIGKILL, 127 a missing command.'],
  [/imagepullbackoff|errimagepull/i, 'ImagePullBackOff / ErrImagePull: the kubelet cannot pull the image — a wrong name or tag, a private registry without imagePullSecrets, or the registry is unreachable. `kubectl describe pod` shows the exact pull error in the events.'],
  [/oomkilled|out of memory|exit code 137/i, 'OOMKilled: the container used more memory than its limit and the kernel killed it (exit code 137). Raise the memory limit or fix the memory use.'],
  [/createcontainerconfigerror/i, 'CreateContainerConfigError: the pod refers to a Secret, ConfigMap or key that does not exist, so the container cannot be created. The event names the missing object.'],
  [/\bpending\b|failedscheduling|insufficient (cpu|memory)/i, 'Pending / FailedScheduling: no node satisfies the pod — not enough CPU or memory, a node selector or affinity nothing matches, a taint it does not tolerate, or an unbound PVC. The FailedScheduling event says which.'],
  [/evicted/i, 'Evicted: the kubelet removed the pod to reclaim a resource under pressure (memory, disk). The pod status message says which resource.'],
  [/connection refused|econnrefused/i, 'Connection refused: nothing listens at that address — for a Service that usually means it has no ready endpoints (its pods are down or its selector matches nothing).'],
];

export const HELP_TEXT = [
  'I investigate Kubernetes incidents. Ask me, for example:',
  '  • "Investigate why the auth-service pod is crashing in production" — plan, collect evidence, analyze, review, report;',
  '  • "What is wrong in namespace staging?" — a namespace overview with the top problems;',
  '  • "Collect evidence for payment-worker in production" — the evidence only;',
  '  • "What does CrashLoopBackOff mean?" — an explanation.',
  'Every answer names the root cause, the evidence lines it relies on, a confidence and read-only verification commands; commands that change the cluster are marked as writes that need approval.',
].join('\n');

export function explainText(errorText: string | undefined): string {
  const text = (errorText ?? '').trim();
  if (!text) return 'Tell me the error message or state to explain, e.g. "What does CrashLoopBackOff mean?"';
  for (const [re, answer] of GLOSSARY) if (re.test(text)) return answer;
  const m = matchLine(text);
  if (m) return `This looks like ${m.pattern.type.replace(/_/g, ' ')} (pattern ${m.pattern.id}). Ask me to investigate the workload that logged it to find out why.`;
  return `I do not recognize "${text.slice(0, 200)}". Ask me to investigate the pod or workload that shows it, and I will read its state, logs and events.`;
}
