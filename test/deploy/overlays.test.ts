import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { checkAction, describeActions, API_VERSION, type ActionKind } from '../../src/agents/actions/catalogue.js';
import type { ListedKind } from '../../src/agents/actions/kube-writer.js';
import { KUBECTL, render, schemaErrors, type Obj } from './render.js';

/**
 * Every overlay of deploy/kubernetes (and each with the optional components, as a user's overlay
 * adds them: test/deploy/fixtures), rendered by the real `kubectl kustomize`, every object
 * validated against the Kubernetes OpenAPI schema, and the install's promises checked on what
 * kubectl actually produced: who can reach whom, who may write what, where secrets come from.
 */
const OVERLAYS = ['all-in-one', 'distributed-bundled', 'distributed-external'] as const;
const RENDERINGS = [
  ...OVERLAYS.map((o) => ({ name: o, dir: `deploy/kubernetes/overlays/${o}` })),
  ...OVERLAYS.map((o) => ({ name: `${o} + components`, dir: `test/deploy/fixtures/${o}-full` })),
];
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

interface Probe { httpGet?: { path: string; port: string | number } }
interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }>;
}
interface Workload extends Obj {
  spec: { replicas?: number; strategy?: { type: string }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec }; volumeClaimTemplates?: unknown[] };
}
interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
interface PolicyPeer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: unknown }
interface Selector { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }
interface NetworkPolicy extends Obj {
  spec: {
    podSelector: Selector;
    policyTypes: string[];
    ingress?: Array<{ from?: PolicyPeer[]; ports?: Array<{ port: string | number }> }>;
    egress?: Array<{ to?: PolicyPeer[]; ports?: Array<{ port: string | number }> }>;
  };
}

const workloads = (objs: Obj[]) => objs.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const syntraContainers = (objs: Obj[]) =>
  workloads(objs).flatMap((w) => w.spec.template.spec.containers.filter((c) => c.image.startsWith('ghcr.io/syntra/')).map((c) => ({ w, c })));
const componentOf = (w: Workload) => w.spec.template.metadata.labels['app.kubernetes.io/component'];

function selects(sel: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (sel.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return e.values!.includes(labels[e.key] ?? '');
    if (e.operator === 'NotIn') return !e.values!.includes(labels[e.key] ?? '');
    if (e.operator === 'Exists') return e.key in labels;
    return !(e.key in labels);
  });
  return byLabel && byExpr;
}

/**
 * Who may open connections to these pods: `anyone` (a rule with no source or an ipBlock: from
 * outside the cluster too), the ports any pod of the cluster may reach (a namespaceSelector
 * alone), and the pods' labels allowed by podSelector.
 */
function ingressOf(policies: NetworkPolicy[], labels: Record<string, string>): { anyone: boolean; inClusterPorts: string[]; fromPods: Selector[] } {
  const mine = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && selects(p.spec.podSelector, labels));
  const rules = mine.flatMap((p) => p.spec.ingress ?? []);
  const anyone = rules.some((r) => !r.from || r.from.some((f) => f.ipBlock));
  const inCluster = rules.filter((r) => r.from?.some((f) => f.namespaceSelector && !f.podSelector));
  // A rule without ports opens every port: spelled as '*'.
  const inClusterPorts = inCluster.flatMap((r) => (r.ports ? r.ports.map((p) => String(p.port)) : ['*']));
  return { anyone, inClusterPorts, fromPods: rules.flatMap((r) => (r.from ?? []).flatMap((f) => (f.podSelector && !f.namespaceSelector ? [f.podSelector] : []))) };
}

function egressPorts(policies: NetworkPolicy[], labels: Record<string, string>): Set<string> {
  const mine = policies.filter((p) => p.spec.policyTypes.includes('Egress') && selects(p.spec.podSelector, labels));
  return new Set(mine.flatMap((p) => p.spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((port) => String(port.port))));
}

const RESOURCE: Record<ActionKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Pod: 'pods', Node: 'nodes' };
const LISTED: Record<ListedKind, string> = { ReplicaSet: 'apps/replicasets', ControllerRevision: 'apps/controllerrevisions', Pod: '/pods', Service: '/services', Endpoints: '/endpoints' };

/** A current object the action's example applies to: its container, two revisions behind it (ReplicaSets or ControllerRevisions), a node cordoned for uncordon. */
function currentFor(kind: ActionKind, container: string, cordoned: boolean) {
  const metadata = { name: 'x', namespace: 'default', uid: 'u-1', resourceVersion: '1', annotations: { 'deployment.kubernetes.io/revision': '2' } };
  const template = (image: string) => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: container, image, env: [], resources: {} }] } });
  const owner = { kind, name: 'x', uid: 'u-1', controller: true };
  const history = [1, 2].map((revision) =>
    kind === 'Deployment'
      ? { metadata: { name: `x-${revision}`, namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [owner] }, spec: { template: template(`app:${revision}`) } }
      : { metadata: { name: `x-${revision}`, namespace: 'default', ownerReferences: [owner] }, revision, data: { spec: { template: { $patch: 'replace', ...template(`app:${revision}`) } } } },
  );
  return { current: kind === 'Node' ? { metadata: { name: 'x', resourceVersion: '1' }, spec: cordoned ? { unschedulable: true } : {} } : { metadata, spec: { replicas: 1, template: template('app:2') } }, related: { history } };
}

/**
 * The rights the executor uses: per API group and resource, the verb each action's request sends
 * (from the catalogue, on its own example), the `get` every action reads its target with, the
 * lists of what request() needs and of what the Reviewer reads (KubeWriter.list), and pods/log.
 */
function verbsTheActionsNeed(): Map<string, Set<string>> {
  const need = new Map<string, Set<string>>();
  const add = (key: string, ...verbs: string[]) => need.set(key, new Set([...(need.get(key) ?? []), ...verbs]));
  for (const a of describeActions()) {
    const example = a.example as { params: Record<string, unknown> };
    for (const kind of a.kinds) {
      const { current, related } = currentFor(kind, String(example.params.container ?? 'app'), a.name === 'uncordon');
      const target = kind === 'Node' ? { kind, name: 'x' } : { kind, name: 'x', namespace: 'default' };
      const { verb } = checkAction(a.name, target, example.params).request(current, new Date(0), related);
      const group = API_VERSION[kind].includes('/') ? API_VERSION[kind].split('/')[0]! : '';
      add(`${group}/${RESOURCE[kind]}`, 'get', verb);
    }
  }
  for (const key of Object.values(LISTED)) add(key, 'list');
  add('/pods/log', 'get');
  return need;
}

function grants(rules: Rule[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) out.set(`${g}/${res}`, new Set([...(out.get(`${g}/${res}`) ?? []), ...r.verbs]));
  return out;
}

describe.skipIf(!existsSync(KUBECTL))('Kubernetes install: every overlay rendered by kubectl kustomize', () => {
  const rendered = Object.fromEntries(RENDERINGS.map((r) => [r.name, render(r.dir)]));

  it('validates objects against the OpenAPI schema (and rejects a broken one)', () => {
    const d = rendered['distributed-bundled']!.find((o) => o.kind === 'Deployment')!;
    expect(schemaErrors(d)).toEqual([]);
    const broken = structuredClone(d) as Workload;
    (broken.spec as { replicas: unknown }).replicas = 'two';
    expect(schemaErrors(broken).join()).toMatch(/replicas must be integer/);
    expect(schemaErrors({ ...d, kind: 'Deploymnet' })).toEqual(['no schema for apps/v1 Deploymnet']);
  });

  for (const { name } of RENDERINGS) {
    describe(name, () => {
      const objs = rendered[name]!;

      it('renders only objects that are valid against the Kubernetes 1.33 OpenAPI schema', () => {
        expect(objs.length).toBeGreaterThan(8);
        const errors = objs.flatMap((o) => schemaErrors(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`));
        expect(errors).toEqual([]);
      });

      it('puts every namespaced object in the syntra namespace and creates no Secret', () => {
        for (const o of objs.filter((x) => !CLUSTER_SCOPED.has(x.kind))) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('syntra');
        expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
      });

      it('takes credentials and connection strings from Secrets only (no literal key, password or URL with a user)', () => {
        const sensitive = /(KEY|PASSWORD|SECRET|TOKEN)$|^(DATABASE_URL|NATS_URL)$/;
        for (const { w, c } of syntraContainers(objs)) {
          for (const e of c.env ?? []) {
            if (!sensitive.test(e.name)) continue;
            expect(e.value, `${w.metadata.name}/${e.name}`).toBeUndefined();
            expect(e.valueFrom?.secretKeyRef?.name, `${w.metadata.name}/${e.name}`).toMatch(/^syntra-/);
          }
          if (componentOf(w) === 'executor') continue; // it calls no model
          const llm = c.env?.find((e) => e.name === 'SYNTRA_LLM_API_KEY');
          expect(llm?.valueFrom?.secretKeyRef, w.metadata.name).toMatchObject({ name: 'syntra-llm', key: 'api-key' });
        }
        for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) {
          const data = (cm as Obj & { data?: Record<string, string> }).data ?? {};
          for (const [k, v] of Object.entries(data)) {
            expect(k, `ConfigMap ${cm.metadata.name}`).not.toMatch(/KEY$|PASSWORD|SECRET|DATABASE_URL/);
            expect(v, `ConfigMap ${cm.metadata.name}/${k}`).not.toMatch(/:\/\/[^/\s]+:[^@\s]+@/);
          }
        }
      });

      it('locks every container down and gives it requests and a memory limit; HTTP servers are probed on /healthz and /readyz', () => {
        for (const w of workloads(objs)) {
          expect(w.spec.template.spec.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
          for (const c of w.spec.template.spec.containers) {
            expect(c.securityContext, `${w.metadata.name}/${c.name}`).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
            expect(c.resources?.requests?.cpu, c.name).toBeDefined();
            expect(c.resources?.requests?.memory, c.name).toBeDefined();
            expect(c.resources?.limits?.memory, c.name).toBeDefined();
          }
        }
        const servers = syntraContainers(objs).filter(({ c }) => c.ports?.some((p) => p.name === 'http'));
        expect(servers.length).toBeGreaterThan(0);
        for (const { c } of servers) {
          expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
          expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
        }
      });

      it('lets only the API be reached from outside; workers reach PostgreSQL, NATS, the Kubernetes API and model providers', () => {
        const policies = objs.filter((o): o is NetworkPolicy => o.kind === 'NetworkPolicy');
        const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0)!;
        expect(deny.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
        expect(deny.spec.ingress ?? []).toEqual([]);
        for (const w of workloads(objs)) {
          const labels = w.spec.template.metadata.labels;
          const component = componentOf(w)!;
          const { anyone, inClusterPorts, fromPods } = ingressOf(policies, labels);
          const serves = component === 'api' || component === 'all-in-one';
          expect(anyone, `${w.metadata.name} reachable from anywhere`).toBe(serves);
          if (component === 'worker' || component === 'executor') {
            // Only the metrics port, only from pods in the cluster; and it is the port the container serves.
            expect(fromPods, w.metadata.name).toEqual([]);
            expect(inClusterPorts, w.metadata.name).toEqual(['metrics']);
            const c = w.spec.template.spec.containers[0]!;
            const port = c.ports!.find((p) => p.name === 'metrics')!.containerPort;
            expect(c.args!.slice(c.args!.indexOf('--metrics-port') + 1)[0], w.metadata.name).toBe(String(port));
          }
          if (component === 'postgres' || component === 'nats') expect(inClusterPorts, w.metadata.name).toEqual([]);
          if (component === 'postgres' || component === 'nats') {
            // Only Syntra's own processes may connect, and the data stores themselves call nobody.
            for (const other of workloads(objs)) {
              const allowed = fromPods.some((s) => selects(s, other.spec.template.metadata.labels));
              expect(allowed, `${other.metadata.name} → ${w.metadata.name}`).toBe(['api', 'worker', 'executor'].includes(componentOf(other)!));
            }
            expect(egressPorts(policies, labels).size, w.metadata.name).toBe(0);
          }
        }
        for (const w of workloads(objs).filter((x) => ['worker', 'all-in-one'].includes(componentOf(x)!))) {
          const ports = egressPorts(policies, w.spec.template.metadata.labels);
          // DNS, the Kubernetes API (443 or 6443), model providers (443).
          for (const p of ['53', '443', '6443']) expect(ports.has(p), `${w.metadata.name} egress ${p}`).toBe(true);
          if (componentOf(w) === 'worker') for (const p of ['5432', '4222']) expect(ports.has(p), `${w.metadata.name} egress ${p}`).toBe(true);
        }
      });

      it('gives the evidence role no write verb and binds it to the workers only', () => {
        const role = objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'syntra-evidence-reader') as Obj & { rules: Rule[] };
        expect(new Set(role.rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
        expect(role.rules.flatMap((r) => r.resources)).not.toContain('secrets');
        const binding = objs.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'syntra-evidence-reader') as Obj & { subjects: Array<{ name: string }> };
        expect(binding.subjects.map((s) => s.name)).toEqual(['syntra-worker']);
        for (const { w, c } of syntraContainers(objs).filter(({ w }) => componentOf(w) !== 'executor')) {
          expect(c.env?.some((e) => e.name === 'SYNTRA_EXECUTOR_KUBECONFIG'), w.metadata.name).toBe(false);
        }
      });
    });
  }

  it('all-in-one: one pod running `syntra up` on a PersistentVolumeClaim, never two at once, behind the API Service', () => {
    const objs = rendered['all-in-one']!;
    const ws = workloads(objs);
    expect(ws.map((w) => w.metadata.name)).toEqual(['syntra']);
    const [w] = ws as [Workload];
    expect(w.spec.replicas).toBe(1);
    expect(w.spec.strategy?.type).toBe('Recreate');
    const c = w.spec.template.spec.containers[0]!;
    expect(c.args?.[0]).toBe('up');
    const dataDir = c.args![c.args!.indexOf('--data-dir') + 1];
    const mount = c.volumeMounts!.find((m) => m.mountPath === dataDir)!;
    const claim = w.spec.template.spec.volumes!.find((v) => v.name === mount.name)!.persistentVolumeClaim!.claimName;
    expect(objs.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim)).toBe(true);
    const svc = objs.find((o) => o.kind === 'Service') as Obj & { spec: { selector: Record<string, string> } };
    expect(selects({ matchLabels: svc.spec.selector }, w.spec.template.metadata.labels)).toBe(true);
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(c.env?.find((e) => e.name === 'SYNTRA_ADMIN_PASSWORD')?.valueFrom?.secretKeyRef).toMatchObject({ name: 'syntra-admin' });
  });

  it('distributed-bundled: PostgreSQL and NATS JetStream as StatefulSets with volumes, wired to the Syntra processes', () => {
    const objs = rendered['distributed-bundled']!;
    const sts = (name: string) => objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name) as Workload;
    for (const name of ['syntra-postgres', 'syntra-nats']) {
      expect(sts(name).spec.volumeClaimTemplates, name).toHaveLength(1);
      expect(objs.some((o) => o.kind === 'Service' && o.metadata.name === name), name).toBe(true);
    }
    expect(sts('syntra-nats').spec.template.spec.containers[0]!.args).toContain('--jetstream');
    const pgPassword = sts('syntra-postgres').spec.template.spec.containers[0]!.env!.find((e) => e.name === 'POSTGRES_PASSWORD')!;
    expect(pgPassword.valueFrom?.secretKeyRef).toMatchObject({ name: 'syntra-database', key: 'password' });
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'syntra') as Obj & { data: Record<string, string> };
    expect(cm.data.NATS_URL).toBe('nats://syntra-nats:4222');
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name).sort()).toEqual(['syntra-api', 'syntra-worker']);
  });

  it('distributed-external: PostgreSQL, NATS and S3 connection settings come from Secrets', () => {
    for (const { w, c } of syntraContainers(rendered['distributed-external']!)) {
      const ref = (n: string) => c.env?.find((e) => e.name === n)?.valueFrom?.secretKeyRef;
      expect(ref('DATABASE_URL'), w.metadata.name).toMatchObject({ name: 'syntra-database', key: 'url' });
      expect(ref('NATS_URL'), w.metadata.name).toMatchObject({ name: 'syntra-nats', key: 'url', optional: true });
      for (const n of ['S3_BUCKET', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) expect(ref(n)?.name, `${w.metadata.name} ${n}`).toBe('syntra-s3');
    }
  });

  it('executor: its own ServiceAccount and kubeconfig, and a role with exactly the verbs the actions send', () => {
    const objs = rendered['distributed-bundled + components']!;
    const role = objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'syntra-executor') as Obj & { rules: Rule[] };
    expect(grants(role.rules)).toEqual(verbsTheActionsNeed());
    // What that is today, spelled out so a reader of a failure sees the difference.
    expect(grants(role.rules)).toEqual(
      new Map([
        ['apps/deployments', new Set(['get', 'patch'])],
        ['apps/statefulsets', new Set(['get', 'patch'])],
        ['apps/daemonsets', new Set(['get', 'patch'])],
        ['/pods', new Set(['get', 'delete', 'list'])],
        ['/nodes', new Set(['get', 'patch'])],
        ['apps/replicasets', new Set(['list'])],
        ['apps/controllerrevisions', new Set(['list'])],
        ['/services', new Set(['list'])],
        ['/endpoints', new Set(['list'])],
        ['/pods/log', new Set(['get'])],
      ]),
    );
    const binding = objs.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'syntra-executor') as Obj & { subjects: Array<{ name: string; namespace: string }> };
    expect(binding.subjects).toEqual([expect.objectContaining({ name: 'syntra-executor', namespace: 'syntra' })]);

    const w = workloads(objs).find((x) => x.metadata.name === 'syntra-executor')!;
    const pod = w.spec.template.spec;
    expect(pod.serviceAccountName).toBe('syntra-executor');
    const c = pod.containers[0]!;
    expect(c.args).toEqual(expect.arrayContaining(['worker', '--executor-only']));
    const file = c.env!.find((e) => e.name === 'SYNTRA_EXECUTOR_KUBECONFIG')!.value!;
    const mount = c.volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`))!;
    const cmName = pod.volumes!.find((v) => v.name === mount.name)!.configMap!.name;
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cmName) as Obj & { data: Record<string, string> };
    // The kubeconfig is one client-node loads, and it authenticates with the pod's own token.
    const kc = new KubeConfig();
    kc.loadFromString(cm.data[file.slice(mount.mountPath.length + 1)]!);
    expect(kc.getCurrentCluster()?.server).toBe('https://kubernetes.default.svc');
    expect(kc.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } });
    const ingress = objs.find((o) => o.kind === 'Ingress') as Obj & { spec: { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string } } }> } }> } };
    expect(ingress.spec.rules[0]!.http.paths[0]!.backend.service.name).toBe('syntra-api');
  });
});
