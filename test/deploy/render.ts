import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization with the real `kubectl kustomize` and validates every object against
 * the JSON schemas that kubernetes-models generates from the Kubernetes 1.33 OpenAPI spec (and,
 * for PrometheusRule, from the prometheus-operator CRD). A kind with no schema here fails the
 * validation: nothing in the install goes unchecked.
 */
export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}

export function render(dir: string): Obj[] {
  const out = execFileSync(KUBECTL, ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}

interface Validatable {
  validate(): void;
}
const SCHEMAS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** The schema errors of one object, or [] when it is valid. */
export function schemaErrors(o: Obj): string[] {
  const Model = SCHEMAS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return [`no schema for ${o.apiVersion} ${o.kind}`];
  try {
    new Model(o as never).validate();
    return [];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}
