import { bareCommand } from '../command-safety.js';
import { checkAction, type ActionKind, type ActionTarget } from './catalogue.js';

/**
 * A remediation's kubectl write, read as a typed action when it is one the catalogue has
 * (scale, rollout restart, delete of one pod): what the analyst proposes becomes something a
 * person can approve and the executor can run, with its expected effect and verification.
 * Anything else (drain, a selector delete, a command with flags this does not know) stays a
 * command string for a person to run — never guessed into an action.
 */
export interface ProposedAction {
  action: string;
  target: ActionTarget;
  params: Record<string, unknown>;
  expectedEffect: string;
  verification: string;
  /** The remediation line it came from. */
  command: string;
}

const KINDS: Record<string, ActionKind> = { deployment: 'Deployment', deploy: 'Deployment', statefulset: 'StatefulSet', sts: 'StatefulSet', daemonset: 'DaemonSet', ds: 'DaemonSet', pod: 'Pod', po: 'Pod' };
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function parse(command: string, defaultNamespace: string | undefined): { action: string; kind: string; name: string; namespace: string | undefined; params: Record<string, unknown> } | undefined {
  const words = bareCommand(command).split(/\s+/);
  if (words[0] !== 'kubectl') return undefined;
  let namespace = defaultNamespace;
  const rest: string[] = [];
  const params: Record<string, unknown> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-n' || w === '--namespace') namespace = words[++i];
    else if (w.startsWith('--namespace=')) namespace = w.slice('--namespace='.length);
    else if (/^--replicas=\d+$/.test(w)) params.replicas = Number(w.slice('--replicas='.length));
    else if (w.startsWith('-')) return undefined;
    else rest.push(w);
  }
  const ref = (words: string[]) => (words.length === 1 && words[0]!.includes('/') ? words[0]!.split('/') : words);
  if (rest[0] === 'scale' && params.replicas !== undefined) {
    const [kind, name, extra] = ref(rest.slice(1));
    return extra === undefined && kind && name ? { action: 'scale', kind, name, namespace, params } : undefined;
  }
  if (rest[0] === 'rollout' && rest[1] === 'restart' && Object.keys(params).length === 0) {
    const [kind, name, extra] = ref(rest.slice(2));
    return extra === undefined && kind && name ? { action: 'rollout_restart', kind, name, namespace, params } : undefined;
  }
  if (rest[0] === 'delete' && Object.keys(params).length === 0) {
    const [kind, name, extra] = ref(rest.slice(1));
    return extra === undefined && kind && name && KINDS[kind] === 'Pod' ? { action: 'delete_pod', kind, name, namespace, params } : undefined;
  }
  return undefined;
}

export function proposedActionOf(command: string, defaultNamespace: string | undefined): ProposedAction | undefined {
  const p = parse(command, defaultNamespace);
  const kind = p ? KINDS[p.kind.toLowerCase()] : undefined;
  if (!p || !kind || !p.namespace || !NAME.test(p.name) || !NAME.test(p.namespace)) return undefined;
  const target: ActionTarget = { kind, name: p.name, namespace: p.namespace };
  try {
    const checked = checkAction(p.action, target, p.params);
    return { action: checked.name, target, params: checked.params, expectedEffect: checked.expectedEffect, verification: checked.verificationPlan, command };
  } catch {
    return undefined;
  }
}
