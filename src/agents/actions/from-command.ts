import { bareCommand } from '../command-safety.js';
import { checkAction, CLUSTER_SCOPED, type ActionKind, type ActionTarget } from './catalogue.js';

/**
 * A remediation's kubectl write, read as a typed action when it is one the catalogue has
 * (scale, rollout restart|undo, set image|resources|env, delete of one pod, cordon|uncordon):
 * what the analyst proposes becomes something a person can approve and the executor can run,
 * with its expected effect and verification. Anything else (drain, a selector delete, a command
 * with flags this does not know, a placeholder such as `<tag>`) stays a command string for a
 * person to run — never guessed into an action.
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

const KINDS: Record<string, ActionKind> = { deployment: 'Deployment', deploy: 'Deployment', deployments: 'Deployment', statefulset: 'StatefulSet', sts: 'StatefulSet', daemonset: 'DaemonSet', ds: 'DaemonSet', pod: 'Pod', po: 'Pod', node: 'Node', no: 'Node' };
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

interface Parsed {
  namespace: string | undefined;
  /** Words that are not flags, after `kubectl`. */
  words: string[];
  /** Flags other than the namespace, as given: `--replicas=1` → replicas: '1'; `-c app` → c: 'app'. */
  flags: Record<string, string>;
}

/** Flags that take their value as the next word. */
const VALUE_FLAGS = new Set(['-n', '--namespace', '-c', '--containers', '--to-revision', '--limits', '--requests', '--replicas']);

function tokens(command: string): Parsed | undefined {
  const all = bareCommand(command).split(/\s+/);
  if (all[0] !== 'kubectl') return undefined;
  const out: Parsed = { namespace: undefined, words: [], flags: {} };
  for (let i = 1; i < all.length; i++) {
    const w = all[i]!;
    if (!w.startsWith('-')) {
      out.words.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq > 0 ? w.slice(0, eq) : w;
    if (!VALUE_FLAGS.has(name)) return undefined;
    const value = eq > 0 ? w.slice(eq + 1) : all[++i];
    if (value === undefined) return undefined;
    if (name === '-n' || name === '--namespace') out.namespace = value;
    else out.flags[name.replace(/^-+/, '') === 'containers' ? 'c' : name.replace(/^-+/, '')] = value;
  }
  return out;
}

/** `deployment/x` or `deployment x`; exactly one object. */
function ref(words: string[]): { kind: string; name: string } | undefined {
  const parts = words.length === 1 && words[0]!.includes('/') ? words[0]!.split('/') : words;
  return parts.length === 2 && parts[0] && parts[1] ? { kind: parts[0], name: parts[1] } : undefined;
}

/** `memory=512Mi,cpu=1` → { memory: '512Mi', cpu: '1' } (only cpu and memory). */
function resourceList(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [k, v] = pair.split('=');
    if ((k !== 'cpu' && k !== 'memory') || !v) return undefined;
    out[k] = v;
  }
  return out;
}

type Reading = { action: string; object: { kind: string; name: string }; params: Record<string, unknown>; flags: string[] };

/** One row per kubectl verb that is an action: which words and flags make it, and its parameters. */
function read(p: Parsed): Reading | undefined {
  const [verb, sub, ...rest] = p.words;
  if (verb === 'scale') {
    const object = ref(p.words.slice(1));
    return object && p.flags.replicas !== undefined && /^\d+$/.test(p.flags.replicas) ? { action: 'scale', object, params: { replicas: Number(p.flags.replicas) }, flags: ['replicas'] } : undefined;
  }
  if (verb === 'rollout' && (sub === 'restart' || sub === 'undo')) {
    const object = ref(rest);
    if (!object) return undefined;
    if (sub === 'restart') return { action: 'rollout_restart', object, params: {}, flags: [] };
    const to = p.flags['to-revision'];
    if (to !== undefined && !/^[1-9]\d*$/.test(to)) return undefined;
    return { action: 'rollout_undo', object, params: to !== undefined ? { toRevision: Number(to) } : {}, flags: ['to-revision'] };
  }
  if (verb === 'delete') {
    const object = ref(p.words.slice(1));
    return object && KINDS[object.kind] === 'Pod' ? { action: 'delete_pod', object, params: {}, flags: [] } : undefined;
  }
  if ((verb === 'cordon' || verb === 'uncordon') && sub && rest.length === 0) return { action: verb, object: { kind: 'node', name: sub }, params: {}, flags: [] };
  if (verb === 'set' && sub === 'image') {
    // kubectl set image deployment/x CONTAINER=IMAGE (one container)
    const object = ref(rest.slice(0, -1));
    const [container, image] = (rest.at(-1) ?? '').split(/=(.*)/s);
    return object && container && image ? { action: 'set_image', object, params: { container, image }, flags: [] } : undefined;
  }
  if (verb === 'set' && sub === 'resources') {
    const object = ref(rest);
    const limits = resourceList(p.flags.limits);
    const requests = resourceList(p.flags.requests);
    if (!object || !p.flags.c || (p.flags.limits !== undefined && !limits) || (p.flags.requests !== undefined && !requests)) return undefined;
    return { action: 'set_resources', object, params: { container: p.flags.c, ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) }, flags: ['c', 'limits', 'requests'] };
  }
  if (verb === 'set' && sub === 'env') {
    // kubectl set env deployment/x -c CONTAINER NAME=value | NAME-
    const object = ref(rest.slice(0, -1));
    const assignment = rest.at(-1) ?? '';
    if (!object || !p.flags.c) return undefined;
    if (/^[A-Za-z_][A-Za-z0-9_.-]*-$/.test(assignment)) return { action: 'patch_env', object, params: { container: p.flags.c, name: assignment.slice(0, -1), unset: true }, flags: ['c'] };
    const [name, value] = assignment.split(/=(.*)/s);
    return name && value !== undefined ? { action: 'patch_env', object, params: { container: p.flags.c, name, value }, flags: ['c'] } : undefined;
  }
  return undefined;
}

export function proposedActionOf(command: string, defaultNamespace: string | undefined): ProposedAction | undefined {
  const p = tokens(command);
  const r = p ? read(p) : undefined;
  if (!p || !r || Object.keys(p.flags).some((f) => !r.flags.includes(f))) return undefined;
  // A placeholder (`<tag>`, `…`) is for a person to fill in, not an action.
  if (/[<>…]/.test(JSON.stringify(r.params))) return undefined;
  const kind = KINDS[r.object.kind.toLowerCase()];
  if (!kind || !NAME.test(r.object.name)) return undefined;
  const clusterScoped = CLUSTER_SCOPED.includes(kind);
  const namespace = clusterScoped ? undefined : (p.namespace ?? defaultNamespace);
  if (!clusterScoped && (!namespace || !NAME.test(namespace))) return undefined;
  const target: ActionTarget = { kind, name: r.object.name, ...(namespace ? { namespace } : {}) };
  try {
    const checked = checkAction(r.action, target, r.params);
    return { action: checked.name, target, params: checked.params, expectedEffect: checked.expectedEffect, verification: checked.verificationPlan, command };
  } catch {
    return undefined;
  }
}
