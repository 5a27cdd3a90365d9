import { Type } from '@sinclair/typebox';
import { SyntraError } from '../../domain/errors.js';
import { action, containerOf, containerPatch, rolloutDone, templateContainers, type KubeObject, type Verification } from './action-def.js';

/**
 * Actions on one container of a workload's pod template, each a strategic merge patch of that
 * container merged by name — the patch `kubectl set image|resources|env` sends. Each rolls the
 * workload out; the Reviewer checks the template has the new value and the rollout completed.
 */
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
const ContainerName = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63, description: 'the container (of the pod template)' });
const Quantity = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$', maxLength: 32, description: 'a Kubernetes quantity: 500m, 1, 256Mi, 2Gi' });
const Resources = Type.Object({ cpu: Type.Optional(Quantity), memory: Type.Optional(Quantity) }, { additionalProperties: false, minProperties: 1 });

/** Rolled out, and the template still carries what the action set (nobody changed it back meanwhile). */
function rolledOutWith(before: KubeObject, after: KubeObject | undefined, container: string, has: (c: ReturnType<typeof templateContainers>[number]) => boolean, what: string): Verification {
  const c = after ? templateContainers(after).find((x) => x.name === container) : undefined;
  if (after && (!c || !has(c))) return { state: 'failed', detail: `the pod template no longer has ${what}: changed since` };
  return rolloutDone(after, (before.metadata?.generation ?? 0) + 1);
}

export const setImage = action({
  name: 'set_image',
  description: 'Set the image of one container of a workload (kubectl set image).',
  risk: 'medium',
  kinds: WORKLOADS,
  params: Type.Object({ container: ContainerName, image: Type.String({ pattern: '^[a-z0-9][a-z0-9._/:@-]*[A-Za-z0-9_.-]$', maxLength: 512, description: 'the image reference, with its tag or digest: registry.example.com/frontend:v2.3.0' }) }, { additionalProperties: false }),
  destructive: () => undefined,
  request: (p, current) => {
    const c = containerOf(current, p.container);
    if (c.image === p.image) throw new SyntraError('conflict', `container ${p.container} already runs ${p.image}: nothing to change`, { retryable: false });
    return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: containerPatch({ name: p.container, image: p.image }) };
  },
  expectedEffect: (p, target) => `${target} rolls out container ${p.container} with image ${p.image}`,
  verification: 'the pod template has the new image, every replica is updated and ready, and the new pods run that image',
  verify: (p, before, after) => rolledOutWith(before, after, p.container, (c) => c.image === p.image, `image ${p.image}`),
  example: { target: { kind: 'Deployment', name: 'frontend', namespace: 'production' }, params: { container: 'frontend', image: 'registry.example.com/frontend:v2.3.0' } },
});

const UNITS: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** A quantity as a number (bytes, cores), for comparing requests with limits. */
export function quantityValue(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  const unit = m ? UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new SyntraError('validation_failed', `"${q}" is not a quantity`);
  return Number(m[1]) * unit;
}

export const setResources = action({
  name: 'set_resources',
  description: 'Set the resource requests and/or limits (cpu, memory) of one container of a workload (kubectl set resources).',
  risk: 'medium',
  kinds: WORKLOADS,
  params: Type.Object({ container: ContainerName, requests: Type.Optional(Resources), limits: Type.Optional(Resources) }, { additionalProperties: false }),
  destructive: () => undefined,
  request: (p, current) => {
    if (!p.requests && !p.limits) throw new SyntraError('validation_failed', 'set_resources needs requests or limits (or both)', { retryable: false, details: { field: 'params' } });
    const c = containerOf(current, p.container);
    const requests = { ...(c.resources?.requests ?? {}), ...(p.requests ?? {}) };
    const limits = { ...(c.resources?.limits ?? {}), ...(p.limits ?? {}) };
    for (const r of ['cpu', 'memory'] as const) {
      const req = requests[r];
      const lim = limits[r];
      if (req !== undefined && lim !== undefined && quantityValue(req) > quantityValue(lim)) {
        throw new SyntraError('validation_failed', `container ${p.container}: the ${r} request ${req} would exceed its limit ${lim}`, { retryable: false, details: { field: `params.${p.requests?.[r] ? 'requests' : 'limits'}.${r}` } });
      }
    }
    return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: containerPatch({ name: p.container, resources: { ...(p.limits ? { limits: p.limits } : {}), ...(p.requests ? { requests: p.requests } : {}) } }) };
  },
  expectedEffect: (p, target) => `${target} rolls out container ${p.container} with ${[p.requests ? `requests ${JSON.stringify(p.requests)}` : '', p.limits ? `limits ${JSON.stringify(p.limits)}` : ''].filter(Boolean).join(' and ')}`,
  verification: 'the pod template has the new resources and every replica is updated and ready',
  verify: (p, before, after) =>
    rolledOutWith(before, after, p.container, (c) => Object.entries(p.limits ?? {}).every(([k, v]) => c.resources?.limits?.[k] === v) && Object.entries(p.requests ?? {}).every(([k, v]) => c.resources?.requests?.[k] === v), 'the new resources'),
  example: { target: { kind: 'Deployment', name: 'payment-worker', namespace: 'production' }, params: { container: 'payment-worker', limits: { memory: '512Mi' } } },
});

/** Names whose values are secrets: those belong in a Secret (valueFrom.secretKeyRef), never in a plain value Syntra stores. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|SIGNING/i;

export const patchEnv = action({
  name: 'patch_env',
  description: 'Set or unset one environment variable of one container of a workload (kubectl set env NAME=value / NAME-).',
  risk: 'medium',
  kinds: WORKLOADS,
  params: Type.Object(
    {
      container: ContainerName,
      name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', maxLength: 253, description: 'the variable' }),
      value: Type.Optional(Type.String({ maxLength: 4096, description: 'the plain value to set (not for secrets)' })),
      unset: Type.Optional(Type.Literal(true, { description: 'remove the variable instead' })),
    },
    { additionalProperties: false },
  ),
  destructive: () => undefined,
  request: (p, current) => {
    if ((p.value === undefined) === (p.unset === undefined)) throw new SyntraError('validation_failed', 'patch_env needs exactly one of value (to set) or unset: true (to remove)', { retryable: false, details: { field: 'params' } });
    const c = containerOf(current, p.container);
    const existing = (c.env ?? []).find((e) => e.name === p.name);
    if (p.unset) {
      if (!existing) throw new SyntraError('conflict', `container ${p.container} has no variable ${p.name}: nothing to unset`, { retryable: false });
      return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: containerPatch({ name: p.container, env: [{ $patch: 'delete', name: p.name }] }) };
    }
    if (SECRET_NAME.test(p.name)) {
      throw new SyntraError('validation_failed', `${p.name} looks like a secret: Syntra does not store secret values. Put it in a Secret and reference it (valueFrom.secretKeyRef) in your manifests`, { retryable: false, details: { field: 'params.name' } });
    }
    if (existing && existing.value === p.value && !existing.valueFrom) throw new SyntraError('conflict', `${p.name} is already "${p.value}" in container ${p.container}: nothing to change`, { retryable: false });
    // A variable read from a ConfigMap or Secret until now: the plain value replaces the reference.
    return { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: containerPatch({ name: p.container, env: [{ name: p.name, value: p.value, ...(existing?.valueFrom ? { valueFrom: null } : {}) }] }) };
  },
  expectedEffect: (p, target) => (p.unset ? `${target} rolls out container ${p.container} without ${p.name}` : `${target} rolls out container ${p.container} with ${p.name}=${p.value}`),
  verification: 'the pod template has the variable set (or gone) and every replica is updated and ready',
  verify: (p, before, after) =>
    rolledOutWith(before, after, p.container, (c) => {
      const e = (c.env ?? []).find((x) => x.name === p.name);
      return p.unset ? e === undefined : e?.value === p.value;
    }, p.unset ? `${p.name} removed` : `${p.name}=${p.value}`),
  example: { target: { kind: 'Deployment', name: 'auth-service', namespace: 'production' }, params: { container: 'auth-service', name: 'DATABASE_HOST', value: 'postgres.production.svc.cluster.local' } },
});
