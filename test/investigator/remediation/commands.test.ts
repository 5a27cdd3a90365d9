import { describe, expect, it } from 'vitest';
import { ROOT_CAUSE_TYPES } from '../../../src/domain/diagnosis.js';
import { KINDS, kindOf } from '../../../src/investigator/cluster/kinds.js';
import { remediationFor, type RemediationFacts } from '../../../src/investigator/remediation/catalog.js';

/**
 * Every command the remediation catalogue can print is one kubectl accepts: the verb exists and
 * works on that kind (`rollout restart` only on deployments, statefulsets and daemonsets; `scale`
 * not on daemonsets or jobs), and writes target the workload itself, never a ReplicaSet or a Job
 * a controller owns.
 */
const WORKLOADS = ['deployment/api', 'statefulset/db', 'daemonset/agent', 'replicaset/api-7d9f8b6c5d', 'job/migrate-28512340', 'cronjob/report', 'pod/api-7d9f8b6c5d-x2k4p'];

const FACTS: RemediationFacts = {
  namespace: 'shop', pod: 'api-7d9f8b6c5d-x2k4p', container: 'app', image: 'registry.example.com/api:1.2', secret: 'db-credentials',
  configMap: 'api-config', key: 'url', envVar: 'DATABASE_URL', file: '/etc/api/config.yaml', service: 'postgres', host: 'postgres', port: 5432,
  backend: 'deployment/postgres', node: 'node-1', taint: 'dedicated=gpu', pvc: 'data-db-0', storageClass: 'fast', quota: 'compute', hpa: 'api',
  ingress: 'shop', job: 'migrate-28512340', serviceAccount: 'api', verb: 'list', resource: 'pods', memoryLimit: '256Mi', cpuLimit: '100m',
  pressure: 'DiskPressure', ingressClass: 'nginx', networkPolicy: 'deny-all', policy: 'PodSecurity restricted',
};

/** What kubectl accepts: verb (and sub-verb) → the kinds it works on; `*` any kind the table knows. */
function kindsFor(verb: string): ((kind: string) => boolean) | undefined {
  switch (verb) {
    case 'get': case 'describe': return () => true;
    case 'logs': return (k) => ['Pod', 'Job', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(k);
    case 'rollout restart': case 'rollout undo': case 'rollout status': case 'rollout history': return (k) => kindOf(k)?.rollout === true;
    case 'scale': return (k) => kindOf(k)?.scalable === true;
    // kubectl set image|resources|env change a pod template: the workloads that roll out have one.
    case 'set image': case 'set resources': case 'set env': return (k) => kindOf(k)?.rollout === true;
    case 'top': return (k) => k === 'Pod' || k === 'Node';
    case 'delete': return () => true;
    case 'cordon': case 'uncordon': case 'drain': return (k) => k === 'Node';
    case 'exec': return (k) => k === 'Pod';
    default: return undefined;
  }
}

/** Resources kubectl serves that the evidence model does not collect (read by `get`/`describe` only). */
const OTHER_RESOURCES = new Set(['namespace', 'namespaces', 'serviceaccount', 'serviceaccounts', 'sa', 'rolebindings', 'rolebinding', 'clusterrolebindings', 'roles', 'clusterroles', 'apiservice', 'apiservices', 'Namespace']);

interface Parsed { verb: string; kind?: string; name?: string }

function parse(command: string): Parsed {
  const words = command.split(/\s+/);
  expect(words[0], command).toBe('kubectl');
  let i = 1;
  if (words[i] === '-n') i += 2;
  if (words[i] === 'auth' && words[i + 1] === 'can-i') return { verb: 'auth can-i' };
  let verb = words[i++]!;
  if (verb === 'rollout' || verb === 'set') verb = `${verb} ${words[i++]}`;
  const what = words[i];
  if (what === undefined || what.startsWith('-')) return { verb };
  const slash = what.indexOf('/');
  if (slash > 0) return { verb, kind: kindOf(what.slice(0, slash))?.kind ?? what.slice(0, slash), name: what.slice(slash + 1) };
  if (['cordon', 'uncordon', 'drain'].includes(verb)) return { verb, kind: 'Node', name: what };
  // `kubectl logs NAME` and `kubectl exec NAME` take a pod by default.
  if (verb === 'logs' || verb === 'exec') return { verb, kind: 'Pod', name: what };
  return { verb, kind: kindOf(what)?.kind ?? what, ...(words[i + 1] && !words[i + 1]!.startsWith('-') ? { name: words[i + 1] } : {}) };
}

const commands = ROOT_CAUSE_TYPES.flatMap((type) => WORKLOADS.flatMap((workload) => {
  const r = remediationFor(type, { ...FACTS, workload });
  const fromText = r.immediate.map((s) => s.replace(/^\(write\)\s*/, '')).filter((s) => s.startsWith('kubectl '));
  return [...new Set([...fromText, ...r.verification, ...(r.writes ?? [])])].flatMap((c) => c.split(/\s*(?:&&|\|)\s*/).filter((x) => x.startsWith('kubectl '))).map((c) => [type, workload, c] as const);
}));

describe('remediation commands are valid kubectl', () => {
  it('covers every root-cause type and many commands', () => {
    expect(new Set(commands.map(([t]) => t)).size).toBeGreaterThan(ROOT_CAUSE_TYPES.length - 4);
    expect(commands.length).toBeGreaterThan(200);
  });

  it.each(commands.map(([t, w, c]) => [`${t} (${w}): ${c}`, c] as const))('%s', (_label, command) => {
    const p = parse(command);
    if (p.verb === 'auth can-i') return;
    const allowed = kindsFor(p.verb);
    expect(allowed, `unknown verb "${p.verb}" in: ${command}`).toBeDefined();
    if (p.kind) {
      expect(KINDS.some((k) => k.kind === p.kind) || OTHER_RESOURCES.has(p.kind), `unknown kind ${p.kind} in: ${command}`).toBe(true);
      expect(allowed!(p.kind), `kubectl ${p.verb} does not work on ${p.kind}: ${command}`).toBe(true);
    }
  });

  it('writes target the workload, not a ReplicaSet or Job a controller owns', () => {
    for (const type of ROOT_CAUSE_TYPES) {
      for (const workload of WORKLOADS) {
        for (const w of remediationFor(type, { ...FACTS, workload }).writes ?? []) {
          const p = parse(w);
          expect(p.kind === 'ReplicaSet' || (p.kind === 'Job' && p.verb !== 'delete'), `${type} (${workload}): ${w}`).toBe(false);
        }
      }
    }
  });
});
