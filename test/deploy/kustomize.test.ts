import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The Kubernetes install (deploy/kubernetes/base), rendered by the real `kubectl kustomize` and
 * checked for what it must hold: probes, secrets only by reference, a read-only evidence role,
 * locked-down containers, everything in one namespace.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}
interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}
interface Deployment extends Obj {
  spec: { template: { spec: { serviceAccountName: string; securityContext?: { runAsNonRoot?: boolean }; containers: Container[] } } };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function render(dir: string): Obj[] {
  const out = execFileSync(KUBECTL, ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}

describe.skipIf(!existsSync(KUBECTL))('deploy/kubernetes/base rendered by kubectl kustomize', () => {
  const objects = existsSync(KUBECTL) ? render('deploy/kubernetes/base') : [];
  const find = <T extends Obj>(kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
  const api = () => find<Deployment>('Deployment', 'syntra-api')!;
  const worker = () => find<Deployment>('Deployment', 'syntra-worker')!;

  it('has the API and worker Deployments, the API Service and PDB, both ServiceAccounts and the evidence role', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'Deployment/syntra-api', 'Deployment/syntra-worker', 'Service/syntra-api', 'PodDisruptionBudget/syntra-api',
        'ServiceAccount/syntra-api', 'ServiceAccount/syntra-worker', 'ClusterRole/syntra-evidence-reader', 'ClusterRoleBinding/syntra-evidence-reader',
      ]),
    );
    expect(api().spec.template.spec.containers[0]!.args).toEqual(['server']);
    expect(worker().spec.template.spec.containers[0]!.args?.[0]).toBe('worker');
  });

  it('puts every namespaced object in the syntra namespace', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects.filter((x) => !clusterScoped.has(x.kind))) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('syntra');
  });

  it('probes the API on /healthz (liveness) and /readyz (readiness)', () => {
    const c = api().spec.template.spec.containers[0]!;
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
  });

  it('takes DATABASE_URL and the master key from Secrets, never as literal values', () => {
    for (const d of [api(), worker()]) {
      const c = d.spec.template.spec.containers[0]!;
      const db = c.env?.find((e) => e.name === 'DATABASE_URL');
      expect(db?.value, d.metadata.name).toBeUndefined();
      expect(db?.valueFrom?.secretKeyRef?.name).toBe('syntra-database');
      expect(c.env?.find((e) => e.name === 'SYNTRA_MASTER_KEY_FILE')?.value).toMatch(/^\/run\/secrets\//);
      expect(c.env?.some((e) => e.name === 'SYNTRA_MASTER_KEY')).toBe(false);
    }
  });

  it('gives evidence workers read-only access (get/list/watch, no Secrets) and the API no token', () => {
    const role = find<Obj & { rules: Rule[] }>('ClusterRole', 'syntra-evidence-reader')!;
    const verbs = new Set(role.rules.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(role.rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(role.rules.flatMap((r) => r.resources)).toEqual(expect.arrayContaining(['pods', 'pods/log', 'events', 'nodes', 'deployments', 'jobs']));
    const binding = find<Obj & { subjects: Array<{ name: string; namespace: string }> }>('ClusterRoleBinding', 'syntra-evidence-reader')!;
    expect(binding.subjects).toEqual([expect.objectContaining({ name: 'syntra-worker', namespace: 'syntra' })]);
    expect(worker().spec.template.spec.serviceAccountName).toBe('syntra-worker');
    expect(api().spec.template.spec.serviceAccountName).toBe('syntra-api');
    expect(find<Obj & { automountServiceAccountToken?: boolean }>('ServiceAccount', 'syntra-api')!.automountServiceAccountToken).toBe(false);
  });

  it('runs every container non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, with requests and a memory limit', () => {
    for (const d of [api(), worker()]) {
      expect(d.spec.template.spec.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of d.spec.template.spec.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(c.resources?.requests?.cpu, c.name).toBeDefined();
        expect(c.resources?.limits?.memory, c.name).toBeDefined();
      }
    }
  });
});
